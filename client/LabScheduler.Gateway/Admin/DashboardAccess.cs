using System.Security.Claims;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Orleans.Dashboard;

namespace LabScheduler.Gateway.Admin;

/// <summary>
/// The Orleans dashboard at <see cref="Path"/>, for administrators only (Orleans__Dashboard on the
/// gateway and on the silos). A browser cannot send a bearer token on a page load, so the web app
/// trades its token for a cookie first: <c>POST /api/v1/admin/orleans-session</c> (admin) sets
/// <see cref="Cookie"/> to that same access token, HttpOnly, SameSite=Strict and scoped to
/// <see cref="Path"/>; the dashboard's requests authenticate with it as with the header (same
/// signature, issuer, audience and expiry checks), so any gateway accepts it. Every dashboard
/// request is also checked for the administrator role, so a cookie of a user who lost it stops working.
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/admin/orleans";
    public const string Cookie = "labsched_orleans";
    public const string Policy = "administrators";

    public static IServiceCollection AddDashboardAccess(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AdministratorHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireAuthenticatedUser().AddRequirements(new AdministratorRequirement()));
        return services;
    }

    /// <summary>The token a dashboard request carries in its cookie, where it carries none in its header.</summary>
    public static string? TokenFromCookie(HttpRequest request) =>
        request.Path.StartsWithSegments(Path) && !request.Headers.ContainsKey("Authorization") && request.Cookies.TryGetValue(Cookie, out var token) && token.Length > 0
            ? token
            : null;

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app, bool enabled)
    {
        app.MapPost("/api/v1/admin/orleans-session", (HttpContext http, IGrainFactory grains) => StartSession(http, grains, enabled))
            .RequireAuthorization().WithName("StartOrleansDashboardSession")
            .Produces<OrleansSessionResponse>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Sets the cookie that opens the Orleans dashboard at /admin/orleans/ in this browser (administrators; 404 when the dashboard is off).");
        if (enabled)
        {
            app.MapOrleansDashboard(Path).RequireAuthorization(Policy).DisableRateLimiting().ExcludeFromDescription();
        }

        return app;
    }

    private static async Task<IResult> StartSession(HttpContext http, IGrainFactory grains, bool enabled)
    {
        if (!enabled)
        {
            return ApiProblem.NotFound("The Orleans dashboard is not enabled on this deployment (Orleans__Dashboard).");
        }

        if (!await IsAdministratorAsync(http.User, grains))
        {
            return ApiProblem.Result(ErrorCodes.Forbidden, "Only administrators may open the Orleans dashboard.", status: StatusCodes.Status403Forbidden);
        }

        var token = http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var expires = new DateTimeOffset(DateTime.SpecifyKind(new JsonWebTokenHandler().ReadJsonWebToken(token).ValidTo, DateTimeKind.Utc));
        http.Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Path,
            Expires = expires,
        });
        return TypedResults.Ok(new OrleansSessionResponse($"{Path}/", expires));
    }

    private static async Task<bool> IsAdministratorAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) is { } sub && (await grains.GetGrain<IUserGrain>(sub).GetAccessAsync()).IsAdmin;

    /// <summary>Where the dashboard is, and until when the cookie opens it (the access token's expiry).</summary>
    public sealed record OrleansSessionResponse(string Url, DateTimeOffset Expires);

    private sealed class AdministratorRequirement : IAuthorizationRequirement;

    private sealed class AdministratorHandler(IGrainFactory grains) : AuthorizationHandler<AdministratorRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdministratorRequirement requirement)
        {
            if (await IsAdministratorAsync(context.User, grains))
            {
                context.Succeed(requirement);
            }
        }
    }
}
