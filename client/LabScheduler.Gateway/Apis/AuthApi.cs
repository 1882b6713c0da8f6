using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Views;

namespace LabScheduler.Gateway.Apis;

/// <summary>Demo mode's token endpoint; absent (404) in any other mode.</summary>
public static class AuthApi
{
    public sealed record DevTokenRequest(string? UserId);

    public sealed record DevTokenResponse(string AccessToken, string TokenType, string ExpiresAt);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/dev-token", DevToken).AllowAnonymous()
            .WithName("DevToken").WithSummary("Demo mode: a signed access token for an existing user.");
        return api;
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
