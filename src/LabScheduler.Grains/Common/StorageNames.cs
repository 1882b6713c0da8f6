namespace LabScheduler.Grains.Common;

/// <summary>Names of the grain storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Small grain state (profiles, rules, opening hours) in PostgreSQL.</summary>
    public const string Default = "labsched";
}
