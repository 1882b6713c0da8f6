using LabScheduler.Contracts.Accounting;
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
public sealed class AccountingGrain(LedgerStore ledger, BookingStore bookings) : Grain, IAccountingGrain
{
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
