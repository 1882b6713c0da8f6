using System.Text.RegularExpressions;

namespace LabScheduler.Domain.Reference;

/// <summary>Ids of users, labs, instruments and teams, chosen by the caller.</summary>
public static partial class ReferenceIds
{
    /// <summary>Whether <paramref name="id"/> matches ^[a-z0-9][a-z0-9-]{1,63}$.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
