using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Accounting;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Audit;
using LabScheduler.Persistence.Bookings;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Accounting;

/// <inheritdoc cref="IAccountingGrain"/>
[StatelessWorker]
public sealed class AccountingGrain(
    LedgerStore ledger, BookingStore bookings, UtilizationQuery utilization, Rollups rollups, StatementQueries statements, MonthEnd monthEnd,
    Auditor audit, AuditLog auditLog, IClock clock)
    : Grain, IAccountingGrain
{
    async Task<CommandResult<IReadOnlyList<AuditItem>>> IAccountingGrain.AuditAsync(Actor actor, AuditQuery query)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return new Problem(ErrorCodes.Forbidden, "The audit log is for administrators.");
        }

        var records = await auditLog.ReadAsync(query.Entity, query.EntityId, query.From, query.To, query.AfterSeq, query.Limit);
        return CommandResult<IReadOnlyList<AuditItem>>.Ok([.. records.Select(r => new AuditItem(r.Seq, r.At, r.Actor, r.Entity, r.EntityId, r.Action, r.DetailsJson))]);
    }

    async Task<CommandResult<IReadOnlyList<StatementLine>>> IAccountingGrain.StatementsAsync(Actor actor, LocalDate month, string by)
    {
        if (by is not ("team" or "institution"))
        {
            return new Problem(ErrorCodes.Validation, "by must be team or institution.");
        }

        if (await LabsInViewAsync(actor) is not { } labs)
        {
            return new Problem(ErrorCodes.Forbidden, "Statements are for administrators, and for managers about their own labs.");
        }

        var totals = await statements.TeamTotalsAsync(month, labs.Count == 0 ? null : labs);
        if (by == "team")
        {
            return CommandResult<IReadOnlyList<StatementLine>>.Ok([.. totals.Select(t => new StatementLine(t.TeamId, t.Currency, t.Amount, t.Minutes, t.Entries, t.Adjustments))]);
        }

        var institutions = new Dictionary<string, string>();
        foreach (var teamId in totals.Select(t => t.TeamId).Distinct())
        {
            institutions[teamId] = (await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync())?.Profile.Institution ?? teamId;
        }

        return CommandResult<IReadOnlyList<StatementLine>>.Ok([.. totals
            .GroupBy(t => (Institution: institutions[t.TeamId], t.Currency))
            .OrderBy(g => g.Key.Institution, StringComparer.Ordinal).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new StatementLine(g.Key.Institution, g.Key.Currency, g.Sum(t => t.Amount), g.Sum(t => t.Minutes), g.Sum(t => t.Entries), g.Sum(t => t.Adjustments)))]);
    }

    async Task<CommandResult<IReadOnlyList<StatementLine>>> IAccountingGrain.FrozenStatementsAsync(Actor actor, LocalDate month)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return new Problem(ErrorCodes.Forbidden, "Frozen statements are for administrators.");
        }

        return CommandResult<IReadOnlyList<StatementLine>>.Ok([.. (await monthEnd.FrozenAsync(month)).Select(t => new StatementLine(t.TeamId, t.Currency, t.Amount, t.Minutes, t.Entries, t.Adjustments))]);
    }

    async Task<CommandResult<IReadOnlyList<SettlementItem>>> IAccountingGrain.SettlementAsync(Actor actor, LocalDate month)
    {
        if (await LabsInViewAsync(actor) is not { } labs)
        {
            return new Problem(ErrorCodes.Forbidden, "The settlement is for administrators, and for managers about their own labs.");
        }

        var lines = await statements.SettlementAsync(month, labs.Count == 0 ? null : labs);
        return CommandResult<IReadOnlyList<SettlementItem>>.Ok([.. lines.Select(l => new SettlementItem(l.TeamState, l.LabState, l.Currency, l.Amount, l.Minutes))]);
    }

    async Task<CommandResult<long[][]>> IAccountingGrain.HeatMapAsync(Actor actor, LocalDate from, LocalDate to, string? labId)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        if (to <= from || (!access.IsAdmin && (labId is null ? access.ManagedLabs.Count == 0 : !access.Manages(labId))))
        {
            return new Problem(ErrorCodes.Forbidden, "The heat map is for administrators, and for managers about their own labs.");
        }

        var entries = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).FindInstrumentsAsync(new InstrumentFilter { LabId = labId }, null, int.MaxValue))
            .Where(e => access.IsAdmin || access.Manages(e.LabId))
            .ToDictionary(e => e.Id);
        var zones = entries.Values.ToDictionary(e => e.Id, e => LabTime.FindZone(e.TimeZone).Value);
        var spans = await utilization.BookedSpansAsync(
            [.. entries.Keys.Select(id => (id, new Interval(zones[id].AtStartOfDay(from).ToInstant(), zones[id].AtStartOfDay(to).ToInstant())))]);
        var map = new HeatMap();
        foreach (var (instrumentId, span) in spans)
        {
            map.Add(span, zones[instrumentId]);
        }

        return CommandResult<long[][]>.Ok(map.ToRows());
    }

    async Task<CommandResult<UsageEntry>> IAccountingGrain.CorrectAsync(Actor actor, Guid entryId, int chargedMinutes)
    {
        if (chargedMinutes is < 0 or > 31 * 1440)
        {
            return new Problem(ErrorCodes.Validation, "chargedMinutes must be 0 to 44640.");
        }

        if (await ledger.FindAsync(entryId) is not { } original)
        {
            return Checks.NotFound("ledger entry", entryId.ToString());
        }

        if (!(await Rights.OfAsync(GrainFactory, actor)).Manages(original.LabId))
        {
            return new Problem(ErrorCodes.Forbidden, "Only administrators and the lab's managers may correct its ledger.");
        }

        var corrected = await ledger.CorrectAsync(entryId, chargedMinutes, clock.GetCurrentInstant());
        if (corrected is not null)
        {
            await audit.RecordAsync(actor, "ledger", entryId.ToString(), "corrected", new { correction = corrected.Id, chargedMinutes, corrected.Amount });
        }

        return corrected is null
            ? new Problem(ErrorCodes.InvalidTransition, "That entry is a reversal or was corrected already; correct the newest entry instead.")
            : CommandResult<UsageEntry>.Ok(Entry(corrected));
    }

    private static UsageEntry Entry(LedgerEntry r) =>
        new(r.BookingId, r.InstrumentId, r.LabId, r.ChargedMinutes, r.Tariff, r.Amount, r.Currency, r.Kind) { EntryId = r.Id };

    /// <summary>An empty list for admins (every lab), the managed labs for managers, null for anyone else.</summary>
    private async Task<IReadOnlyList<string>?> LabsInViewAsync(Actor actor)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        return access.IsAdmin ? [] : access.ManagedLabs.Count > 0 ? access.ManagedLabs : null;
    }

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

        // Blackouts of the months asked, in any zone (a day either side covers every offset).
        var span = new Interval(from.AtMidnight().InUtc().ToInstant() - Duration.FromDays(1), to.AtMidnight().InUtc().ToInstant() + Duration.FromDays(1));
        var entries = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).FindInstrumentsAsync(new InstrumentFilter { LabId = labId, BlackoutsOver = span }, null, int.MaxValue))
            .Where(e => access.IsAdmin || access.Manages(e.LabId))
            .ToList();

        // Each instrument's window and open minutes in its own lab's local dates. Days the nightly job
        // rolled up are read from the roll-ups; only the rest is summed from the bookings.
        var progress = await rollups.ProgressAsync();
        var windows = new Dictionary<string, Interval>();
        var rolledRanges = new List<(string, LocalDate, LocalDate)>();
        var open = new Dictionary<string, long>();
        foreach (var entry in entries)
        {
            var zone = LabTime.FindZone(entry.TimeZone).Value;
            var window = new Interval(zone.AtStartOfDay(from).ToInstant(), zone.AtStartOfDay(to).ToInstant());
            var liveFrom = from;
            if (progress.TryGetValue(entry.Id, out var rolledUntil) && rolledUntil > from)
            {
                liveFrom = rolledUntil < to ? rolledUntil : to;
                rolledRanges.Add((entry.Id, from, liveFrom));
            }

            if (liveFrom < to)
            {
                windows[entry.Id] = new Interval(zone.AtStartOfDay(liveFrom).ToInstant(), window.End);
            }

            var openIntervals = IntervalMath.Subtract(
                IntervalMath.Normalize(entry.OpeningHours.OpenIntervals(window, zone)),
                IntervalMath.Normalize(entry.Blackouts));
            open[entry.Id] = (long)openIntervals.Sum(i => i.Duration.TotalMinutes);
        }

        var rows = (await utilization.RunAsync([.. windows.Select(w => (w.Key, w.Value))]))
            .Concat(await rollups.SumAsync(rolledRanges))
            .GroupBy(r => (r.InstrumentId, r.TeamId))
            .Select(g => new UtilizationRow(
                g.Key.InstrumentId, g.Key.TeamId, g.Sum(r => r.BookedMinutes), g.Sum(r => r.UsedMinutes), g.Sum(r => r.NoShows), g.Sum(r => r.Cancellations), g.Sum(r => r.Bookings)))
            .ToList();
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
        // Rows by key once: a report by team over a year has a row per instrument and team.
        var rowsByKey = rows.ToLookup(r => KeyOf(r.InstrumentId, r.TeamId), StringComparer.Ordinal);
        var items = openByKey.Keys.Select(key =>
        {
            var mine = rowsByKey[key].ToList();
            var booked = mine.Sum(r => r.BookedMinutes);
            var openMinutes = openByKey[key];
            return new UtilizationItem(
                key, openMinutes, booked, mine.Sum(r => r.UsedMinutes),
                openMinutes == 0 ? 0 : Math.Round((double)booked / openMinutes, 4),
                mine.Sum(r => r.NoShows), mine.Sum(r => r.Cancellations)) { Bookings = mine.Sum(r => r.Bookings) };
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
        var entries = rows.Select(Entry).ToList();
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
