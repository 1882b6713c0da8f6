using LabScheduler.Contracts.Directory;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabScheduler.Gateway.Apis;

/// <summary>Research teams, their members and quotas.</summary>
public static class TeamsApi
{
    public sealed record CreateTeamRequest(string? Id, string? Name, string? Institution, string? MemberState);

    public sealed record QuotaRequest(int? MinutesPerMonth);

    /// <summary>A team and its quota on one instrument; <c>MinutesPerMonth</c> is null where none is set.</summary>
    public sealed record TeamQuotaView(string TeamId, string Name, string Institution, string MemberState, int? MinutesPerMonth);

    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/teams", Create).WithMetadata(new IdempotentAttribute()).WithName("CreateTeam").Produces<TeamResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Creates a team (admin).");
        api.MapGet("/teams", List).WithName("ListTeams").WithSummary("Teams by id, paged: all of them for administrators, one's own for anyone else.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/teams/{id}", Get).WithName("GetTeam").Produces<TeamResponse>().WithSummary("A team with members and quotas (members, admin).");
        api.MapPut("/teams/{id}/members/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Members(id, userId, true, http, grains))
            .WithName("AddTeamMember").Produces<TeamResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Adds a member (admin).");
        api.MapDelete("/teams/{id}/members/{userId}", (string id, string userId, HttpContext http, IGrainFactory grains) => Members(id, userId, false, http, grains))
            .WithName("RemoveTeamMember").Produces<TeamResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Removes a member (admin).");
        api.MapPut("/teams/{teamId}/quotas/{instrumentId}", SetQuota).WithName("SetQuota").Produces<QuotaView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Sets the team's minutes per calendar month (lab's zone) on an instrument (its lab's managers, admin).");
        api.MapGet("/instruments/{id}/quotas", InstrumentQuotas).WithName("InstrumentQuotas")
            .WithSummary("Every team with its quota on this instrument (minutesPerMonth null: none), by team id, paged (the lab's managers, admin).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> Create(CreateTeamRequest? request, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var id = input.Id(request?.Id, "id");
        var name = input.Required(request?.Name, "name");
        var institution = input.Required(request?.Institution, "institution");
        var state = input.Country(request?.MemberState, "memberState");
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var created = await grains.GetGrain<ITeamGrain>(id).CreateAsync(http.User.Actor(), new TeamProfile
        {
            Id = id, Name = name, Institution = institution, MemberState = state,
        });
        return CommandResults.Created(created, TeamResponse.Of, t => $"/api/v1/teams/{t.Profile.Id}");
    }

    private static async Task<Results<Ok<Page<TeamResponse>>, ProblemHttpResult>> List(int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var page = await grains.GetGrain<IDirectoryGrain>(0).ListTeamsAsync(http.User.Actor(), after, take);
        return CommandResults.Ok(page, p => new Page<TeamResponse>([.. p.Items.Select(TeamResponse.Of)], p.Next is { } next ? Cursor.Encode(next) : null));
    }

    private static async Task<IResult> Get(string id, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id) || await grains.GetGrain<ITeamGrain>(id).GetAsync() is not { } team)
        {
            return ApiProblem.NotFound($"No team '{id}'.");
        }

        var access = await grains.GetGrain<LabScheduler.Contracts.Users.IUserGrain>(http.User.Actor().UserId).GetAccessAsync();
        return access.IsAdmin || team.Members.Contains(access.UserId)
            ? TypedResults.Ok(TeamResponse.Of(team))
            : ApiProblem.Result(LabScheduler.Domain.Errors.ErrorCodes.Forbidden, "Only the team's members and administrators may read a team.");
    }

    private static async Task<IResult> Members(string id, string userId, bool add, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id) || !ReferenceIds.IsValid(userId))
        {
            return ApiProblem.NotFound("No such team or user.");
        }

        var team = grains.GetGrain<ITeamGrain>(id);
        var result = add ? await team.AddMemberAsync(http.User.Actor(), userId) : await team.RemoveMemberAsync(http.User.Actor(), userId);
        return CommandResults.Ok(result, TeamResponse.Of);
    }

    private static async Task<IResult> SetQuota(string teamId, string instrumentId, QuotaRequest? request, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(teamId) || !ReferenceIds.IsValid(instrumentId))
        {
            return ApiProblem.NotFound("No such team or instrument.");
        }

        if (request?.MinutesPerMonth is not int minutes || minutes < 0 || minutes > 31 * 1440)
        {
            return ApiProblem.Validation("minutesPerMonth", "is required: whole minutes, 0 to 44640");
        }

        var set = await grains.GetGrain<IInstrumentGrain>(instrumentId).SetTeamQuotaAsync(http.User.Actor(), teamId, minutes);
        return CommandResults.Ok(set, m => new QuotaView(instrumentId, m));
    }

    private static async Task<Results<Ok<Page<TeamQuotaView>>, ProblemHttpResult>> InstrumentQuotas(
        string id, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var access = await grains.GetGrain<LabScheduler.Contracts.Users.IUserGrain>(http.User.Actor().UserId).GetAccessAsync();
        if (!access.Manages(instrument.LabId))
        {
            return ApiProblem.Result(LabScheduler.Domain.Errors.ErrorCodes.Forbidden, $"Only a manager of lab '{instrument.LabId}' or an administrator may read its quotas.");
        }

        // A manager sets quotas for any team, so they see every team here, although the team list
        // itself is the administrators'. The caller's right was checked just above; the directory is
        // read as the system for that reason alone, and only ids, names, countries and this
        // instrument's quotas leave it.
        var page = await grains.GetGrain<IDirectoryGrain>(0).ListTeamsAsync(LabScheduler.Contracts.Common.Actor.System, after, take);
        return CommandResults.Ok(page, p => new Page<TeamQuotaView>(
            [.. p.Items.Select(t => new TeamQuotaView(t.Profile.Id, t.Profile.Name, t.Profile.Institution, t.Profile.MemberState, t.Quotas.TryGetValue(id, out var m) ? m : null))],
            p.Next is { } next ? Cursor.Encode(next) : null));
    }
}
