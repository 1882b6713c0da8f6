namespace LabScheduler.Domain.Recurrence;

/// <summary>How often a rule repeats (RFC 5545 FREQ; the finer and the yearly ones are refused).</summary>
public enum Frequency
{
    Daily,
    Weekly,
    Monthly,
}
