using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Directory;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public sealed record PatchMeRequest(string? DisplayName, string? TimeZone, string? Language);

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users", List).WithName("ListUsers").WithSummary("Users by id, paged; q= matches id, name or e-mail (admin).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPatch("/me", PatchMe).WithName("UpdateMe").WithSummary("Changes the signed-in user's displayName, timeZone or language (en, ru, zh-CN, fa).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/users", Create).WithMetadata(new IdempotentAttribute())
            .WithName("CreateUser").Produces<UserResponse>(StatusCodes.Status201Created).WithSummary("Creates a user (admin).");
        api.MapGet("/users/{id}", Get).WithName("GetUser").Produces<UserResponse>().WithSummary("A user, with teams and managed labs (self, admin).");
        api.MapGet("/me", Me).WithName("Me").Produces<UserResponse>().WithSummary("The signed-in user.");
        api.MapGet("/member-states", MemberStatesList).WithName("MemberStates").Produces<MemberStateView[]>()
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

    private static async Task<Results<Ok<Page<UserResponse>>, ProblemHttpResult>> List(int? limit, string? cursor, string? q, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var after = Cursor.Decode(cursor, input);
        var query = input.Optional(string.IsNullOrWhiteSpace(q) ? null : q.Trim(), "q", 200);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var page = await grains.GetGrain<IDirectoryGrain>(0).ListUsersAsync(http.User.Actor(), query, after, take);
        return CommandResults.Ok(page, p => new Page<UserResponse>([.. p.Items.Select(UserResponse.Of)], p.Next is { } next ? Cursor.Encode(next) : null));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> PatchMe(PatchMeRequest? request, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        if (request?.DisplayName is not null)
        {
            input.Required(request.DisplayName, "displayName");
        }

        if (request?.Language is not null && !UserLanguages.IsSupported(request.Language))
        {
            input.Fail("language", $"must be one of {string.Join(", ", UserLanguages.Supported)}");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        if (request?.TimeZone is { } zone && !Input.TryZone(zone, out _))
        {
            return ApiProblem.Result(ErrorCodes.UnknownZone, $"'{zone}' is not a time zone of the IANA database {LabTime.ZoneDatabaseVersion}.");
        }

        var actor = http.User.Actor();
        var updated = await grains.GetGrain<IUserGrain>(actor.UserId).UpdateAsync(actor, new UserPatch
        {
            DisplayName = request?.DisplayName, TimeZone = request?.TimeZone, Language = request?.Language,
        });
        http.RequestServices.GetRequiredService<GatewayDirectory>().ForgetHomeZone(actor.UserId);
        return CommandResults.Ok(updated, UserResponse.Of);
    }

    // API.md shows this one as a plain array (it is short and fixed), so it is not paged.
    private static IResult MemberStatesList() =>
        TypedResults.Ok(MemberStates.ScoStates.Select(s => new MemberStateView(s.Code, s.Name, s.Kind.ToString().ToLowerInvariant())).ToArray());
}
