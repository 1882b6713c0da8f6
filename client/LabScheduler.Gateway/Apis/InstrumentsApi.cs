using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>Instruments: creation in a lab, the catalog search, settings and training sign-offs.</summary>
public static class InstrumentsApi
{
    public sealed record RatesRequest(decimal? Internal, decimal? Partner, decimal? External);

    public sealed record RulesRequest(
        int? SlotMinutes, int? MinMinutes, int? MaxMinutes, int? BufferMinutes, int? LeadMinutes, int? HorizonDays,
        bool? RequiresApproval, bool? RequiresAuthorization, int? Capacity, int? NoShowMinutes, bool? WaitlistAutoBook = null, int? OfferMinutes = null,
        bool? ChargeActual = null, bool? ChargeNoShow = null, int? MinimumChargeMinutes = null,
        Dictionary<string, int>? Shares = null, bool? SharesHard = null, int? CancelDeadlineHours = null)
    {
        /// <summary>These rules over <paramref name="current"/>: fields left out keep their value.</summary>
        public BookingRules Over(BookingRules current) => current with
        {
            SlotMinutes = SlotMinutes ?? current.SlotMinutes,
            MinMinutes = MinMinutes ?? current.MinMinutes,
            MaxMinutes = MaxMinutes ?? current.MaxMinutes,
            BufferMinutes = BufferMinutes ?? current.BufferMinutes,
            LeadMinutes = LeadMinutes ?? current.LeadMinutes,
            HorizonDays = HorizonDays ?? current.HorizonDays,
            RequiresApproval = RequiresApproval ?? current.RequiresApproval,
            RequiresAuthorization = RequiresAuthorization ?? current.RequiresAuthorization,
            Capacity = Capacity ?? current.Capacity,
            NoShowMinutes = NoShowMinutes ?? current.NoShowMinutes,
            WaitlistAutoBook = WaitlistAutoBook ?? current.WaitlistAutoBook,
            OfferMinutes = OfferMinutes ?? current.OfferMinutes,
            ChargeActual = ChargeActual ?? current.ChargeActual,
            ChargeNoShow = ChargeNoShow ?? current.ChargeNoShow,
            MinimumChargeMinutes = MinimumChargeMinutes ?? current.MinimumChargeMinutes,
            Shares = Shares ?? current.Shares,
            SharesHard = SharesHard ?? current.SharesHard,
            CancelDeadlineHours = CancelDeadlineHours ?? current.CancelDeadlineHours,
        };
    }

    public sealed record CreateInstrumentRequest(string? Id, string? Name, string? Category, string? Currency, RatesRequest? Rates, RulesRequest? Rules);

    public sealed record PatchInstrumentRequest(string? Name, string? Category, RatesRequest? Rates, RulesRequest? Rules, string? Status, bool? CancelConflicting = null);

    public static RouteGroupBuilder MapInstrumentsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/labs/{labId}/instruments", Create).WithMetadata(new IdempotentAttribute())
            .WithName("CreateInstrument").Produces<InstrumentResponse>(StatusCodes.Status201Created).WithSummary("Creates an instrument in a lab (its managers, admin).");
        api.MapGet("/instruments", List).WithName("ListInstruments").Produces<Page<InstrumentResponse>>().WithSummary("Instruments by category, lab and member state, paged.");
        api.MapGet("/instruments/{id}", Get).WithName("GetInstrument").Produces<InstrumentResponse>().WithSummary("One instrument with its lab's time zone.");
        api.MapPatch("/instruments/{id}", Patch).WithName("UpdateInstrument").Produces<InstrumentResponse>().WithSummary("Changes name, category, rates, rules or status (managers, admin).");
        api.MapPut("/instruments/{id}/authorized-users/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Authorize(id, userId, true, http, grains))
            .WithName("AuthorizeUser").Produces<InstrumentResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Records a training sign-off (managers, admin).");
        api.MapDelete("/instruments/{id}/authorized-users/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Authorize(id, userId, false, http, grains))
            .WithName("DeauthorizeUser").Produces<InstrumentResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Withdraws a training sign-off (managers, admin).");
        return api;
    }

    private static async Task<IResult> Create(string labId, CreateInstrumentRequest? request, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(labId))
        {
            return ApiProblem.NotFound($"No lab '{labId}'.");
        }

        var input = new Input();
        var id = input.Id(request?.Id, "id");
        var name = input.Required(request?.Name, "name");
        var category = input.Id(request?.Category, "category");
        var currency = request?.Currency;
        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterUpper))
        {
            input.Fail("currency", "must be an ISO 4217 code such as \"CNY\"");
        }

        var rates = Rates(request?.Rates, input, required: true);
        var rules = (request?.Rules ?? new RulesRequest(null, null, null, null, null, null, null, null, null, null)).Over(BookingRules.Default);
        foreach (var (field, message) in rules.Validate())
        {
            input.Fail(field, message);
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var created = await grains.GetGrain<ILabGrain>(labId).AddInstrumentAsync(http.User.Actor(), new InstrumentDefinition
        {
            Id = id, Name = name, Category = category, Currency = currency!, Rates = rates!, Rules = rules,
        });
        return CommandResults.Created(created, InstrumentResponse.Of, i => $"/api/v1/instruments/{i.Id}");
    }

    private static async Task<IResult> List(string? category, string? labId, string? memberState, int? limit, string? cursor, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input);
        if (category is not null && !ReferenceIds.IsValid(category))
        {
            input.Fail("category", "is not a category");
        }

        if (labId is not null && !ReferenceIds.IsValid(labId))
        {
            input.Fail("labId", "is not a lab id");
        }

        if (memberState is not null && !MemberStates.IsKnown(memberState))
        {
            input.Fail("memberState", "must be an ISO 3166-1 alpha-2 country code");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        // From the catalog table: listing activates no instrument.
        var entries = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
            .ListInstrumentsAsync(new InstrumentFilter { Category = category, LabId = labId, MemberState = memberState }, after, take + 1);
        var items = entries.Take(take).Select(InstrumentResponse.Of).ToList();
        return TypedResults.Ok(new Page<InstrumentResponse>(items, entries.Count > take ? Cursor.Encode(entries[take - 1].Id) : null));
    }

    private static async Task<IResult> Get(string id, IGrainFactory grains) =>
        await Find(id, grains) is { } instrument ? TypedResults.Ok(InstrumentResponse.Of(instrument)) : ApiProblem.NotFound($"No instrument '{id}'.");

    private static async Task<IResult> Patch(string id, PatchInstrumentRequest? request, HttpContext http, IGrainFactory grains)
    {
        if (await Find(id, grains) is not { } current)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var input = new Input();
        if (request?.Name is not null)
        {
            input.Required(request.Name, "name");
        }

        if (request?.Category is not null)
        {
            input.Id(request.Category, "category");
        }

        var status = request?.Status is null ? null : Wire.ParseStatus(request.Status);
        if (request?.Status is not null && status is null)
        {
            input.Fail("status", "must be \"active\", \"maintenance\" or \"retired\"");
        }

        var rules = request?.Rules?.Over(current.Definition.Rules);
        foreach (var (field, message) in rules?.Validate() ?? new Dictionary<string, string>())
        {
            input.Fail(field, message);
        }

        var rates = request?.Rates is null ? null : Rates(request.Rates, input, required: false, current.Definition.Rates);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var updated = await grains.GetGrain<IInstrumentGrain>(id).UpdateAsync(http.User.Actor(), new InstrumentPatch
        {
            Name = request?.Name, Category = request?.Category, Rates = rates, Rules = rules, Status = status, CancelConflicting = request?.CancelConflicting ?? false,
        });
        return CommandResults.Ok(updated, InstrumentResponse.Of);
    }

    private static async Task<IResult> Authorize(string id, string userId, bool authorized, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id) || !ReferenceIds.IsValid(userId))
        {
            return ApiProblem.NotFound("No such instrument or user.");
        }

        return CommandResults.Ok(await grains.GetGrain<IInstrumentGrain>(id).SetAuthorizationAsync(http.User.Actor(), userId, authorized), InstrumentResponse.Of);
    }

    /// <summary>The zone of an instrument's lab (UTC for an instrument that no longer answers), for rendering times.</summary>
    internal static async Task<DateTimeZone> LabZoneAsync(string instrumentId, HttpContext http) =>
        await http.RequestServices.GetRequiredService<GatewayDirectory>().InstrumentZoneAsync(instrumentId) ?? DateTimeZone.Utc;

    /// <summary>The instrument, or null for a malformed or unknown id.</summary>
    internal static async Task<InstrumentView?> Find(string id, IGrainFactory grains) =>
        ReferenceIds.IsValid(id) ? await grains.GetGrain<IInstrumentGrain>(id).GetAsync() : null;

    private static Rates? Rates(RatesRequest? request, Input input, bool required, Rates? current = null)
    {
        if (request is null)
        {
            if (required)
            {
                input.Fail("rates", "are required: {internal, partner, external} per hour");
            }

            return null;
        }

        var rates = new Rates(
            request.Internal ?? current?.Internal ?? -1,
            request.Partner ?? current?.Partner ?? -1,
            request.External ?? current?.External ?? -1);
        if (new[] { rates.Internal, rates.Partner, rates.External }.Any(r => r is < 0 or > 1_000_000_000m))
        {
            input.Fail("rates", "need internal, partner and external, each 0 to 1000000000 an hour");
        }

        return rates;
    }
}
