using LabScheduler.Contracts.Directory;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.RateLimiting;
using LabScheduler.Gateway.Views;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabScheduler.Gateway.Apis;

/// <summary>How the web app signs in: the mode's settings, and demo mode's users and tokens (absent, 404, in any other mode).</summary>
public static class AuthApi
{
    public sealed record DevTokenRequest(string? UserId);

    public sealed record DevTokenResponse(string AccessToken, string TokenType, string ExpiresAt);

    public sealed record AuthConfigResponse(string Mode, string? Authority, string? ClientId, string? Audience, string? Scope);

    public sealed record DevUserView(string Id, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Teams, IReadOnlyList<string> ManagedLabs);

    public sealed record DevUsersResponse(IReadOnlyList<DevUserView> Items);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapGet("/auth/config", Config).AllowAnonymous()
            .WithName("AuthConfig").WithSummary("How to sign in: mode demo or oidc, and in oidc mode the provider, the web app's client id, audience and scope.");
        api.MapGet("/auth/dev-users", DevUsers).AllowAnonymous().RequireRateLimiting(RateLimitSetup.AnonymousPolicy)
            .WithName("DevUsers").WithSummary("Demo mode: the users one may sign in as (404 in any other mode).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/auth/dev-token", DevToken).AllowAnonymous().RequireRateLimiting(RateLimitSetup.AnonymousPolicy)
            .WithName("DevToken").Produces<DevTokenResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Demo mode: a signed access token for an existing user.");
        return api;
    }

    private static Ok<AuthConfigResponse> Config(AuthSettings settings) =>
        TypedResults.Ok(settings.IsDemo
            ? new AuthConfigResponse(AuthSettings.Demo, null, null, null, null)
            : new AuthConfigResponse(AuthSettings.Oidc, settings.Authority, settings.ClientId, settings.Audience, settings.Scope));

    private static async Task<Results<Ok<DevUsersResponse>, ProblemHttpResult>> DevUsers(AuthSettings settings, IGrainFactory grains)
    {
        if (!settings.IsDemo)
        {
            return ApiProblem.NotFound("Dev users exist only in demo mode.");
        }

        var users = await grains.GetGrain<IDirectoryGrain>(0).SignInUsersAsync();
        return TypedResults.Ok(new DevUsersResponse([.. users.Select(u => new DevUserView(u.Profile.Id, u.Profile.DisplayName, u.Profile.Roles, u.Teams, u.ManagedLabs))]));
    }

    private static async Task<IResult> DevToken(DevTokenRequest? request, AuthSettings settings, IServiceProvider services, IGrainFactory grains)
    {
        if (!settings.IsDemo || services.GetService<DevTokens>() is not { } tokens)
        {
            return ApiProblem.NotFound("Dev tokens exist only in demo mode.");
        }

        if (!ReferenceIds.IsValid(request?.UserId))
        {
            return ApiProblem.Validation("userId", "must match ^[a-z0-9][a-z0-9-]{1,63}$");
        }

        if (!(await grains.GetGrain<IUserGrain>(request!.UserId!).GetAccessAsync()).Exists)
        {
            return ApiProblem.NotFound($"No user '{request.UserId}'.");
        }

        var (token, expiresAt) = tokens.Issue(request.UserId!);
        return TypedResults.Ok(new DevTokenResponse(token, "Bearer", Utc.Render(expiresAt)));
    }
}
