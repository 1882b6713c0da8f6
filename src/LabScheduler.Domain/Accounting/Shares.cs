using LabScheduler.Domain.Bookings;

namespace LabScheduler.Domain.Accounting;

/// <summary>Member-state shares of an instrument's time: who is entitled to how much of a month.</summary>
public static class Shares
{
    public const string Others = "*";

    /// <summary>The share key a team's country books under: its own entry, else "*", else none.</summary>
    public static string? KeyFor(BookingRules rules, string teamState) =>
        rules.Shares.ContainsKey(teamState) ? teamState : rules.Shares.ContainsKey(Others) ? Others : null;

    /// <summary>Minutes a share entitles to, out of a month's open minutes.</summary>
    public static long Entitled(BookingRules rules, string key, long openMinutes) =>
        rules.Shares.TryGetValue(key, out var percent) ? openMinutes * percent / 100 : 0;
}
