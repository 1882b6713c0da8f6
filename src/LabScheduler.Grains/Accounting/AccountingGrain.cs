using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Bookings;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Accounting;

/// <inheritdoc cref="IAccountingGrain"/>
[StatelessWorker]
public sealed class AccountingGrain(LedgerStore ledger, BookingStore bookings, UtilizationQuery utilization) : Grain, IAccountingGrain
{
    /// <summary>The groupings the utilization report knows.</summary>
    public static readonly string[] Groupings = ["instrument", "lab", "memberState", "team"];

    async Task<CommandResult<IReadOnlyList<UtilizationItem>>> IAccountingGrain.UtilizationAsync(Actor actor, LocalDate from, LocalDate to, string groupBy, string? labId)
    {
        if (!Groupings.Contains(groupBy) || to <= from)
        {
            return new Problem(ErrorCodes.Validation, "groupBy must be instrument, lab, memberState or team, and to after from.");
        }

        var access = await Rights.OfAsync(GrainFactory, actor);
        if (!access.IsAdmin && (labId is null ? access.ManagedLabs.Count == 0 : !access.Manages(labId)))
        {
            return new Problem(ErrorCodes.Forbidden, "Utilization reports are for administrators, and for managers about their own labs.");
        }

        var entries = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).FindInstrumentsAsync(new InstrumentFilter { LabId = labId }, null, int.MaxValue))
            .Where(e => access.IsAdmin || access.Manages(e.LabId))
            .ToList();

        // Each instrument's window and open minutes in its own lab's local dates.
        var windows = new Dictionary<string, Interval>();
        var open = new Dictionary<string, long>();
        foreach (var entry in entries)
        {
            var zone = LabTime.FindZone(entry.TimeZone).Value;
            var window = new Interval(zone.AtStartOfDay(from).ToInstant(), zone.AtStartOfDay(to).ToInstant());
            windows[entry.Id] = window;
            var openIntervals = IntervalMath.Subtract(
                IntervalMath.Normalize(entry.OpeningHours.OpenIntervals(window, zone)),
                IntervalMath.Normalize(entry.Blackouts));
            open[entry.Id] = (long)openIntervals.Sum(i => i.Duration.TotalMinutes);
        }

        var rows = await utilization.RunAsync([.. windows.Select(w => (w.Key, w.Value))]);
        var byId = entries.ToDictionary(e => e.Id);
        string KeyOf(string instrumentId, string teamId) => groupBy switch
        {
            "instrument" => instrumentId,
            "lab" => byId[instrumentId].LabId,
            "memberState" => byId[instrumentId].MemberState,
            _ => teamId,
        };

        // Open time belongs to instruments: for a team it is the open time of the instruments it booked.
        var openByKey = groupBy == "team"
            ? rows.GroupBy(r => r.TeamId).ToDictionary(g => g.Key, g => g.Select(r => r.InstrumentId).Distinct().Sum(i => open[i]))
            : entries.GroupBy(e => KeyOf(e.Id, "")).ToDictionary(g => g.Key, g => g.Sum(e => open[e.Id]));
        var items = openByKey.Keys.Select(key =>
        {
            var mine = rows.Where(r => KeyOf(r.InstrumentId, r.TeamId) == key).ToList();
            var booked = mine.Sum(r => r.BookedMinutes);
            var openMinutes = openByKey[key];
            return new UtilizationItem(
                key, openMinutes, booked, mine.Sum(r => r.UsedMinutes),
                openMinutes == 0 ? 0 : Math.Round((double)booked / openMinutes, 4),
                mine.Sum(r => r.NoShows), mine.Sum(r => r.Cancellations));
        });
        return CommandResult<IReadOnlyList<UtilizationItem>>.Ok([.. items.OrderBy(i => i.Key, StringComparer.Ordinal)]);
    }

    async Task<CommandResult<TeamUsage>> IAccountingGrain.TeamUsageAsync(Actor actor, string teamId, LocalDate month)
    {
        if (await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync() is not { } team)
        {
            return Checks.NotFound("team", teamId);
        }

        var access = await Rights.OfAsync(GrainFactory, actor);
        if (!access.IsAdmin && !team.Members.Contains(actor.UserId))
        {
            return new Problem(ErrorCodes.Forbidden, "Only the team's members and administrators may read its usage.");
        }

        var rows = await ledger.ForTeamMonthAsync(teamId, month);
        var entries = rows.Select(r => new UsageEntry(r.BookingId, r.InstrumentId, r.LabId, r.ChargedMinutes, r.Tariff, r.Amount, r.Currency, r.Kind)).ToList();
        var totals = rows.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CurrencyTotal(g.Key, g.Sum(r => r.Amount))).ToList();

        var quotas = new List<QuotaUse>();
        foreach (var (instrumentId, minutes) in team.Quotas.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (await GrainFactory.GetGrain<IInstrumentGrain>(instrumentId).GetAsync() is not { } instrument)
            {
                continue;
            }

            // The month is a calendar month in the instrument's lab zone.
            var zone = LabTime.FindZone(instrument.TimeZone).Value;
            var span = new Interval(zone.AtStartOfDay(month).ToInstant(), zone.AtStartOfDay(month.PlusMonths(1)).ToInstant());
            quotas.Add(new QuotaUse(instrumentId, minutes, await bookings.TeamMinutesAsync(teamId, instrumentId, span, instrument.Definition.Rules.ChargeNoShow)));
        }

        return CommandResult<TeamUsage>.Ok(new TeamUsage { TeamId = teamId, Month = month, Entries = entries, Totals = totals, Quotas = quotas });
    }
}
