using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Accounting;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Persistence.Accounting;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Quotas, member-state shares and charges: the grain gathers the figures from storage; the
/// decisions are the pure functions of <c>LabScheduler.Domain.Accounting</c>.
/// </remarks>
public sealed partial class InstrumentGrain
{
    private async Task<string> TeamStateAsync(string teamId) =>
        (await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync())?.Profile.MemberState ?? "";

    /// <summary>
    /// Member-state shares: hard shares refuse what would pass the team's state's share of a month
    /// (share.exceeded); soft ones let it through with a warning.
    /// </summary>
    private async Task<(Problem? Problem, IReadOnlyList<string> Warnings)> ShareCheckAsync(string teamState, IReadOnlyList<Interval> intervals, BookingRules rules)
    {
        if (rules.Shares.Count == 0)
        {
            return (null, []);
        }

        var key = Shares.KeyFor(rules, teamState);
        var zone = Zone;
        var warnings = new List<string>();
        foreach (var month in Months.Asked(intervals, zone))
        {
            var standing = (await ShareStandingsAsync(month.Month, rules, zone)).FirstOrDefault(u => u.Key == key);
            var verdict = Shares.Judge(rules, standing, month.AskedMinutes);
            if (verdict == ShareVerdict.Within)
            {
                continue;
            }

            var detail = $"Teams from {teamState} have a {standing?.Percent ?? 0}% share of '{Id}' in {month.Month:uuuu-MM}: {standing?.EntitledMinutes ?? 0} minutes, "
                + $"{standing?.BookedMinutes ?? 0} booked, {month.AskedMinutes} more asked.";
            if (verdict == ShareVerdict.Refuse)
            {
                return (new Problem("share.exceeded", detail), []);
            }

            warnings.Add($"share.exceeded: {detail}");
        }

        return (null, warnings);
    }

    /// <summary>Entitled, booked and used minutes of every share in a month.</summary>
    private async Task<IReadOnlyList<ShareStanding>> ShareStandingsAsync(LocalDate month, BookingRules rules, DateTimeZone zone)
    {
        var span = Months.Span(month, zone);
        var open = (long)IntervalMath.Subtract(
                IntervalMath.Normalize(_row!.OpeningHours.OpenIntervals(span, zone)),
                IntervalMath.Normalize((await BlackoutsOverAsync(span)).Select(b => b.Interval)))
            .Sum(i => i.Duration.TotalMinutes);
        return Shares.Standings(rules, open, await store.MinutesByStateAsync(Id, span));
    }

    async Task<CommandResult<IReadOnlyList<ShareUse>>> IInstrumentGrain.GetSharesAsync(Actor actor, LocalDate month)
    {
        if (await RefuseUnlessManager(actor, "read member-state shares") is { } refused)
        {
            return refused;
        }

        var standings = await ShareStandingsAsync(month, _row!.Definition.Rules, Zone);
        return CommandResult<IReadOnlyList<ShareUse>>.Ok(
            [.. standings.Select(s => new ShareUse(s.Key, s.Percent, s.EntitledMinutes, s.BookedMinutes, s.UsedMinutes))]);
    }

    /// <summary>quota.exceeded when the team's minutes on this instrument in any month touched would pass its quota.</summary>
    private async Task<Problem?> QuotaProblemAsync(string teamId, IReadOnlyList<Interval> intervals, BookingRules rules)
    {
        if (!_quotas.TryGetValue(teamId, out var quota))
        {
            return null;
        }

        foreach (var month in Months.Asked(intervals, Zone))
        {
            var used = await store.TeamMinutesAsync(teamId, Id, month.Span, rules.ChargeNoShow);
            if (!Quotas.Allows(quota, used, month.AskedMinutes))
            {
                return new Problem(ErrorCodes.QuotaExceeded,
                    $"Team '{teamId}' has {quota} minutes a month on '{Id}'; {used} are used in {month.Month:uuuu-MM} and this asks for {month.AskedMinutes} more.");
            }
        }

        return null;
    }

    /// <summary>The ledger row a completion or no-show writes, at the team's tariff; null when the policy charges nothing.</summary>
    private async Task<LedgerEntry?> LedgerEntryAsync(Booking booking, BookingStatus target, Instant? endedAt, Instant now, string? kind = null)
    {
        var definition = _row!.Definition;
        // The tariff is the one of the team's country when it booked (as shares count it), not of today's.
        var teamState = booking.TeamState is { Length: > 0 } stored ? stored
            : (await GrainFactory.GetGrain<ITeamGrain>(booking.TeamId).GetAsync())?.Profile.MemberState ?? "";
        var tariff = Charging.TariffFor(teamState, _row!.MemberState, _row!.PartnerStates);
        Interval? actual = target == BookingStatus.Completed && endedAt is { } end ? Pricing.Session(booking.Interval, booking.CheckedInAt, end) : null;
        var charge = Charging.For(
            booking.Interval, actual, target == BookingStatus.NoShow, definition.Rules.Charging, tariff, definition.Rates.For(tariff), Zone);
        return charge is null ? null : new LedgerEntry
        {
            Id = Guid.CreateVersion7(),
            BookingId = booking.Id,
            Kind = kind ?? (target == BookingStatus.NoShow ? "no-show" : "usage"),
            TeamId = booking.TeamId,
            TeamState = teamState,
            InstrumentId = Id,
            LabId = LabId,
            LabState = _row!.MemberState,
            Tariff = tariff.ToString().ToLowerInvariant(),
            BookedMinutes = charge.BookedMinutes,
            ActualMinutes = charge.ActualMinutes,
            ChargedMinutes = charge.ChargedMinutes,
            HourlyRate = charge.HourlyRate,
            Amount = charge.Amount,
            Currency = definition.Currency,
            Month = charge.Month,
            CreatedAt = now,
        };
    }
}
