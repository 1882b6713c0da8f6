using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Labs;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;

namespace LabScheduler.Gateway.Apis;

/// <summary>Joint labs and their managers.</summary>
public static class LabsApi
{
    public sealed record CreateLabRequest(string? Id, string? Name, string? HostInstitution, string? MemberState, string? TimeZone, string[]? PartnerStates);

    public static RouteGroupBuilder MapLabsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/labs", Create).WithMetadata(new IdempotentAttribute()).WithName("CreateLab").Produces<LabResponse>(StatusCodes.Status201Created).WithSummary("Creates a joint lab (admin).");
        api.MapGet("/labs", List).WithName("ListLabs").Produces<Page<LabResponse>>().WithSummary("Labs by id, paged.");
        api.MapGet("/labs/{id}", Get).WithName("GetLab").Produces<LabResponse>().WithSummary("One lab.");
        api.MapPut("/labs/{id}/managers/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Managers(id, userId, true, http, grains))
            .WithName("AddLabManager").Produces<LabResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Makes a user a manager of the lab (admin).");
        api.MapDelete("/labs/{id}/managers/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Managers(id, userId, false, http, grains))
            .WithName("RemoveLabManager").Produces<LabResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Removes a manager (admin).");
        return api;
    }

    private static async Task<IResult> Create(CreateLabRequest? request, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var id = input.Id(request?.Id, "id");
        var name = input.Required(request?.Name, "name");
        var host = input.Required(request?.HostInstitution, "hostInstitution");
        var state = input.Country(request?.MemberState, "memberState");
        var zone = input.Required(request?.TimeZone, "timeZone", 64);
        var partners = request?.PartnerStates ?? [];
        foreach (var partner in partners)
        {
            input.Country(partner, "partnerStates");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var created = await grains.GetGrain<ILabGrain>(id).CreateAsync(http.User.Actor(), new LabProfile
        {
            Id = id, Name = name, HostInstitution = host, MemberState = state, TimeZone = zone, PartnerStates = [.. partners.Distinct()],
        });
        return CommandResults.Created(created, LabResponse.Of, l => $"/api/v1/labs/{l.Profile.Id}");
    }

    private static async Task<IResult> List(int? limit, string? cursor, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var entries = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).ListLabsAsync(after, take + 1);
        var labs = await Task.WhenAll(entries.Take(take).Select(e => grains.GetGrain<ILabGrain>(e.Id).GetAsync()));
        var items = labs.OfType<LabView>().Select(LabResponse.Of).ToList();
        return TypedResults.Ok(new Page<LabResponse>(items, entries.Count > take ? Cursor.Encode(entries[take - 1].Id) : null));
    }

    private static async Task<IResult> Get(string id, IGrainFactory grains) =>
        ReferenceIds.IsValid(id) && await grains.GetGrain<ILabGrain>(id).GetAsync() is { } lab
            ? TypedResults.Ok(LabResponse.Of(lab))
            : ApiProblem.NotFound($"No lab '{id}'.");

    private static async Task<IResult> Managers(string id, string userId, bool add, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id) || !ReferenceIds.IsValid(userId))
        {
            return ApiProblem.NotFound("No such lab or user.");
        }

        var lab = grains.GetGrain<ILabGrain>(id);
        var result = add ? await lab.AddManagerAsync(http.User.Actor(), userId) : await lab.RemoveManagerAsync(http.User.Actor(), userId);
        return CommandResults.Ok(result, LabResponse.Of);
    }
}
