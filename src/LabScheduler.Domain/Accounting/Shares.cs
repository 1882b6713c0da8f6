using LabScheduler.Domain.Bookings;

namespace LabScheduler.Domain.Accounting;

/// <summary>Where one share of an instrument's month stands.</summary>
/// <param name="Key">The country the share is for, or <see cref="Shares.Others"/>.</param>
/// <param name="Percent">Its percent of the month's open time.</param>
/// <param name="EntitledMinutes">Its minutes of the month's open time.</param>
/// <param name="BookedMinutes">Minutes booked by teams of that key (not cancelled).</param>
/// <param name="UsedMinutes">Minutes of those that were used (completed).</param>
public sealed record ShareStanding(string Key, int Percent, long EntitledMinutes, long BookedMinutes, long UsedMinutes);

/// <summary>What a share rule says of a request.</summary>
public enum ShareVerdict
{
    /// <summary>Within the share, or no share applies.</summary>
    Within,

    /// <summary>Past a soft share: booked, with a warning.</summary>
    Warn,

    /// <summary>Past a hard share: refused (share.exceeded).</summary>
    Refuse,
}

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

    /// <summary>
    /// Every share's standing in a month, countries in order and "*" last: its entitlement out of the
    /// month's open minutes and the minutes booked and used by the countries it covers
    /// (<paramref name="byState"/>: booked and used minutes by the team country stored on each booking).
    /// </summary>
    public static IReadOnlyList<ShareStanding> Standings(
        BookingRules rules, long openMinutes, IReadOnlyDictionary<string, (long Booked, long Used)> byState) =>
        [.. rules.Shares
            .OrderBy(s => s.Key == Others)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(share =>
            {
                var counted = byState.Where(b => KeyFor(rules, b.Key) == share.Key).ToList();
                return new ShareStanding(
                    share.Key, share.Value, Entitled(rules, share.Key, openMinutes), counted.Sum(c => c.Value.Booked), counted.Sum(c => c.Value.Used));
            })];

    /// <summary>
    /// What the rules say of <paramref name="askedMinutes"/> more for a share standing as
    /// <paramref name="standing"/> (null when the team's country has no share: nothing is entitled then).
    /// </summary>
    public static ShareVerdict Judge(BookingRules rules, ShareStanding? standing, long askedMinutes)
    {
        if (rules.Shares.Count == 0)
        {
            return ShareVerdict.Within;
        }

        var booked = standing?.BookedMinutes ?? 0;
        var entitled = standing?.EntitledMinutes ?? 0;
        return booked + askedMinutes <= entitled ? ShareVerdict.Within
            : rules.SharesHard ? ShareVerdict.Refuse
            : ShareVerdict.Warn;
    }
}
