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
    public sealed record UsageEntryView(string Id, string BookingId, string InstrumentId, string LabId, int Minutes, string Tariff, decimal Amount, string Currency, string Kind)
    {
        public static UsageEntryView Of(UsageEntry e) =>
            new(e.EntryId.ToString(), e.BookingId.ToString(), e.InstrumentId, e.LabId, e.Minutes, e.Tariff, e.Amount, e.Currency, e.Kind);
    }

    public sealed record CorrectionRequest(int? ChargedMinutes);

    public sealed record TotalView(string Currency, decimal Amount);

    public sealed record QuotaView(string InstrumentId, int MinutesPerMonth, int UsedMinutes);

    public sealed record UsageResponse(string TeamId, string Month, IReadOnlyList<UsageEntryView> Entries, IReadOnlyList<TotalView> Totals, IReadOnlyList<QuotaView> Quotas);

    public static RouteGroupBuilder MapAccountingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/teams/{id}/usage", Usage).WithName("TeamUsage").Produces<UsageResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A team's ledger entries of a month (calendar month in each lab's zone), totals per currency, and quota use (members, admin).");
        api.MapGet("/reports/utilization", Utilization).WithName("Utilization").Produces<Views.Page<UtilizationView>>().Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Open, booked and used minutes, utilization, no-shows and cancellations by instrument, lab, memberState or team; Accept: text/csv for CSV (admin; managers for their labs).");
        api.MapGet("/reports/statements", Statements).WithName("Statements").Produces<Views.Page<StatementView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("A month's statements per team or institution (by=team|institution), totals per currency (admin; managers for their labs); frozen=true: as the month-end run froze them (admin).");
        api.MapGet("/reports/settlement", Settlement).WithName("Settlement").Produces<Views.Page<SettlementView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Who used whose instruments in a month: team country, lab country, currency, amount (admin; managers for their labs).");
        api.MapPost("/usage-entries/{id}/correct", Correct).WithMetadata(new Idempotency.IdempotentAttribute()).WithName("CorrectUsage").Produces<UsageEntryView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Corrects a ledger entry: a reversal plus a new entry for chargedMinutes (admin; the lab's managers).");
        api.MapGet("/instruments/{id}/shares", SharesReport).WithName("Shares").Produces<Views.Page<ShareView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Member-state shares of a month (lab zone): percent, entitled, booked and used minutes per country or \"*\" (managers, admin).");
        api.MapGet("/reports/heatmap", HeatMapReport).WithName("HeatMap").Produces<HeatMapResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Booked minutes by hour of week in each lab's local time: days Monday..Sunday, hours 00..23 (admin; managers for their labs).");
        return api;
    }

    public sealed record ShareView(string Key, int Percent, long EntitledMinutes, long BookedMinutes, long UsedMinutes);

    private static async Task<IResult> SharesReport(string id, string? month, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id))
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        if (ParseMonth(month) is not { } parsed)
        {
            return ApiProblem.Validation("month", "is required, as yyyy-MM (e.g. 2026-12)");
        }

        var shares = await grains.GetGrain<LabScheduler.Contracts.Instruments.IInstrumentGrain>(id).GetSharesAsync(http.User.Actor(), parsed);
        return CommandResults.Ok(shares, items => new Views.Page<ShareView>(
            [.. items.Select(s => new ShareView(s.Key, s.Percent, s.EntitledMinutes, s.BookedMinutes, s.UsedMinutes))], null));
    }

    private static async Task<IResult> Correct(string id, CorrectionRequest? request, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var entryId))
        {
            return ApiProblem.NotFound($"No ledger entry '{id}'.");
        }

        if (request?.ChargedMinutes is not int minutes)
        {
            return ApiProblem.Validation("chargedMinutes", "is required: whole minutes");
        }

        var corrected = await grains.GetGrain<IAccountingGrain>(0).CorrectAsync(http.User.Actor(), entryId, minutes);
        return CommandResults.Ok(corrected, UsageEntryView.Of);
    }

    public sealed record HeatMapResponse(string From, string To, string? LabId, IReadOnlyList<string> Days, long[][] Minutes);

    private static async Task<IResult> HeatMapReport(string? from, string? to, string? labId, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var start = input.Date(from, "from");
        var end = input.Date(to, "to");
        if (start is { } s && end is { } e && (e <= s || Period.Between(s, e, PeriodUnits.Days).Days > 366))
        {
            input.Fail("to", "must be after from, at most a year later");
        }

        if (labId is not null && !ReferenceIds.IsValid(labId))
        {
            input.Fail("labId", "is not a lab id");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var map = await grains.GetGrain<IAccountingGrain>(0).HeatMapAsync(http.User.Actor(), start!.Value, end!.Value, labId);
        return CommandResults.Ok(map, rows => new HeatMapResponse(
            start.Value.ToString("uuuu-MM-dd", null), end.Value.ToString("uuuu-MM-dd", null), labId,
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], rows));
    }

    public sealed record StatementView(string Key, string Currency, decimal Amount, long Minutes, int Entries, decimal Adjustments);

    public sealed record SettlementView(string TeamState, string LabState, string Currency, decimal Amount, long Minutes);

    private static async Task<IResult> Statements(string? month, string? by, bool? frozen, HttpContext http, IGrainFactory grains)
    {
        if (ParseMonth(month) is not { } parsed)
        {
            return ApiProblem.Validation("month", "is required, as yyyy-MM (e.g. 2026-12)");
        }

        var accounting = grains.GetGrain<IAccountingGrain>(0);
        var result = frozen == true
            ? await accounting.FrozenStatementsAsync(http.User.Actor(), parsed)
            : await accounting.StatementsAsync(http.User.Actor(), parsed, by ?? "team");
        return CommandResults.Ok(result, lines => new Views.Page<StatementView>([.. lines.Select(l => new StatementView(l.Key, l.Currency, l.Amount, l.Minutes, l.Entries, l.Adjustments))], null));
    }

    private static async Task<IResult> Settlement(string? month, HttpContext http, IGrainFactory grains)
    {
        if (ParseMonth(month) is not { } parsed)
        {
            return ApiProblem.Validation("month", "is required, as yyyy-MM (e.g. 2026-12)");
        }

        var result = await grains.GetGrain<IAccountingGrain>(0).SettlementAsync(http.User.Actor(), parsed);
        return CommandResults.Ok(result, lines => new Views.Page<SettlementView>([.. lines.Select(l => new SettlementView(l.TeamState, l.LabState, l.Currency, l.Amount, l.Minutes))], null));
    }

    private static LocalDate? ParseMonth(string? month) => Input.Month(month);

    public sealed record UtilizationView(
        string Key, long OpenMinutes, long BookedMinutes, long UsedMinutes, double Utilization, int NoShows, int Cancellations,
        int Bookings, double NoShowRate, double CancellationRate);

    private static async Task<IResult> Utilization(string? from, string? to, string? groupBy, string? labId, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var start = input.Date(from, "from");
        var end = input.Date(to, "to");
        groupBy ??= "instrument";
        if (groupBy is not ("instrument" or "lab" or "memberState" or "team"))
        {
            input.Fail("groupBy", "must be instrument, lab, memberState or team");
        }

        if (start is { } s && end is { } e && (e <= s || Period.Between(s, e, PeriodUnits.Days).Days > 366))
        {
            input.Fail("to", "must be after from, at most a year later");
        }

        if (labId is not null && !ReferenceIds.IsValid(labId))
        {
            input.Fail("labId", "is not a lab id");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var report = await grains.GetGrain<IAccountingGrain>(0).UtilizationAsync(http.User.Actor(), start!.Value, end!.Value, groupBy, labId);
        if (!report.IsSuccess)
        {
            return ApiProblem.From(report.Problem!);
        }

        var items = report.Value!.Select(i => new UtilizationView(
            i.Key, i.OpenMinutes, i.BookedMinutes, i.UsedMinutes, i.Utilization, i.NoShows, i.Cancellations, i.Bookings, i.NoShowRate, i.CancellationRate)).ToList();
        if (http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            var csv = new System.Text.StringBuilder("key,openMinutes,bookedMinutes,usedMinutes,utilization,noShows,cancellations,bookings,noShowRate,cancellationRate\r\n");
            foreach (var i in items)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"{Csv(i.Key)},{i.OpenMinutes},{i.BookedMinutes},{i.UsedMinutes},{i.Utilization:0.####},{i.NoShows},{i.Cancellations},{i.Bookings},{i.NoShowRate:0.####},{i.CancellationRate:0.####}\r\n");
            }

            return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
        }

        return TypedResults.Ok(new Views.Page<UtilizationView>(items, null));
    }

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static async Task<IResult> Usage(string id, string? month, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id))
        {
            return ApiProblem.NotFound($"No team '{id}'.");
        }

        if (ParseMonth(month) is not { } parsed)
        {
            return ApiProblem.Validation("month", "is required, as yyyy-MM (e.g. 2026-12)");
        }

        var usage = await grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(http.User.Actor(), id, parsed);
        return CommandResults.Ok(usage, u => new UsageResponse(
            u.TeamId,
            u.Month.ToString("uuuu-MM", null),
            [.. u.Entries.Select(UsageEntryView.Of)],
            [.. u.Totals.Select(t => new TotalView(t.Currency, t.Amount))],
            [.. u.Quotas.Select(q => new QuotaView(q.InstrumentId, q.MinutesPerMonth, q.UsedMinutes))]));
    }
}
