using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;

namespace LabScheduler.Gateway.Apis;

/// <summary>Users, the signed-in user, and the list of countries.</summary>
public static class UsersApi
{
    public sealed record CreateUserRequest(string? Id, string? DisplayName, string? Email, string? TimeZone, string? MemberState, string[]? Roles);

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/users", Create).WithMetadata(new IdempotentAttribute())
            .WithName("CreateUser").WithSummary("Creates a user (admin).");
        api.MapGet("/users/{id}", Get).WithName("GetUser").WithSummary("A user, with teams and managed labs (self, admin).");
        api.MapGet("/me", Me).WithName("Me").WithSummary("The signed-in user.");
        api.MapGet("/member-states", MemberStatesList).WithName("MemberStates")
            .WithSummary("The SCO's members, observers and partners; every ISO 3166-1 alpha-2 code is accepted elsewhere.");
        return api;
    }

    private static async Task<IResult> Create(CreateUserRequest? request, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var id = input.Id(request?.Id, "id");
        var displayName = input.Required(request?.DisplayName, "displayName");
        var email = input.Required(request?.Email, "email", 320);
        var zone = input.Required(request?.TimeZone, "timeZone", 64);
        var state = input.Country(request?.MemberState, "memberState");
        var roles = request?.Roles ?? [];
        if (roles.Any(r => r != UserRoles.Admin))
        {
            input.Fail("roles", "may only contain \"admin\"");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var created = await grains.GetGrain<IUserGrain>(id).CreateAsync(http.User.Actor(), new UserProfile
        {
            Id = id, DisplayName = displayName, Email = email, TimeZone = zone, MemberState = state, Roles = [.. roles.Distinct()],
        });
        return CommandResults.Created(created, UserResponse.Of, u => $"/api/v1/users/{u.Profile.Id}");
    }

    private static async Task<IResult> Get(string id, HttpContext http, IGrainFactory grains) =>
        ReferenceIds.IsValid(id)
            ? CommandResults.Ok(await grains.GetGrain<IUserGrain>(id).GetAsync(http.User.Actor()), UserResponse.Of)
            : ApiProblem.NotFound($"No user '{id}'.");

    private static async Task<IResult> Me(HttpContext http, IGrainFactory grains)
    {
        var actor = http.User.Actor();
        return CommandResults.Ok(await grains.GetGrain<IUserGrain>(actor.UserId).GetAsync(actor), UserResponse.Of);
    }

    // API.md shows this one as a plain array (it is short and fixed), so it is not paged.
    private static IResult MemberStatesList() =>
        TypedResults.Ok(MemberStates.ScoStates.Select(s => new MemberStateView(s.Code, s.Name, s.Kind.ToString().ToLowerInvariant())).ToArray());
}
