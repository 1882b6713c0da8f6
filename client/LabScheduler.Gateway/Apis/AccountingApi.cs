using LabScheduler.Contracts.Accounting;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Gateway.Apis;

/// <summary>Usage accounting.</summary>
public static class AccountingApi
{
    public sealed record UsageEntryView(string BookingId, string InstrumentId, string LabId, int Minutes, string Tariff, decimal Amount, string Currency, string Kind);

    public sealed record TotalView(string Currency, decimal Amount);

    public sealed record QuotaView(string InstrumentId, int MinutesPerMonth, int UsedMinutes);

    public sealed record UsageResponse(string TeamId, string Month, IReadOnlyList<UsageEntryView> Entries, IReadOnlyList<TotalView> Totals, IReadOnlyList<QuotaView> Quotas);

    public static RouteGroupBuilder MapAccountingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/teams/{id}/usage", Usage).WithName("TeamUsage")
            .WithSummary("A team's ledger entries of a month (calendar month in each lab's zone), totals per currency, and quota use (members, admin).");
        return api;
    }

    private static async Task<IResult> Usage(string id, string? month, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id))
        {
            return ApiProblem.NotFound($"No team '{id}'.");
        }

        var parsed = month is null ? null : LocalDatePattern.CreateWithInvariantCulture("uuuu-MM").Parse(month);
        if (parsed is not { Success: true })
        {
            return ApiProblem.Validation("month", "is required, as yyyy-MM (e.g. 2026-12)");
        }

        var usage = await grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(http.User.Actor(), id, parsed.Value);
        return CommandResults.Ok(usage, u => new UsageResponse(
            u.TeamId,
            u.Month.ToString("uuuu-MM", null),
            [.. u.Entries.Select(e => new UsageEntryView(e.BookingId.ToString(), e.InstrumentId, e.LabId, e.Minutes, e.Tariff, e.Amount, e.Currency, e.Kind))],
            [.. u.Totals.Select(t => new TotalView(t.Currency, t.Amount))],
            [.. u.Quotas.Select(q => new QuotaView(q.InstrumentId, q.MinutesPerMonth, q.UsedMinutes))]));
    }
}
