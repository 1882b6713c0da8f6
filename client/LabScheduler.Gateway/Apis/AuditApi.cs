using System.Globalization;
using System.Text.Json;
using LabScheduler.Contracts.Accounting;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>The audit log, for administrators.</summary>
public static class AuditApi
{
    public sealed record AuditView(long Seq, string At, string Actor, string Entity, string EntityId, string Action, JsonElement Details);

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", Read).WithName("Audit").Produces<Page<AuditView>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Who changed what and when (reference data, rules, bookings, ledger), oldest first, paged; admin only.");
        return api;
    }

    private static async Task<IResult> Read(string? entity, string? entityId, string? from, string? to, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input) is { } position && long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : (long?)null;
        var start = from is null ? null : input.InstantOrDate(from, "from", DateTimeZone.Utc);
        var end = to is null ? null : input.InstantOrDate(to, "to", DateTimeZone.Utc);
        input.Optional(entity, "entity", 64);
        input.Optional(entityId, "entityId", 200);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var records = await grains.GetGrain<IAccountingGrain>(0).AuditAsync(http.User.Actor(), new AuditQuery
        {
            Entity = entity, EntityId = entityId, From = start, To = end, AfterSeq = after, Limit = take,
        });
        return CommandResults.Ok(records, items => new Page<AuditView>(
            [.. items.Select(r => new AuditView(r.Seq, Utc.Render(r.At), r.Actor, r.Entity, r.EntityId, r.Action, JsonDocument.Parse(r.DetailsJson).RootElement.Clone()))],
            items.Count == take ? Cursor.Encode(items[^1].Seq.ToString(CultureInfo.InvariantCulture)) : null));
    }
}
