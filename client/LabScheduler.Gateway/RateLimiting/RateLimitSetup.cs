using System.Globalization;
using System.Threading.RateLimiting;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LabScheduler.Gateway.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter on the gateway: every call counts against its signed-in user, or
/// against its client address when nobody is signed in; the anonymous endpoints that issue or
/// accept secrets (<see cref="AnonymousPolicy"/>) count a second, much smaller budget per address.
/// A refusal is a 429 <c>rate-limited</c> problem with Retry-After.
/// </summary>
public static class RateLimitSetup
{
    /// <summary>The endpoint policy of dev tokens and calendar feeds by token.</summary>
    public const string AnonymousPolicy = "anonymous";

    public static IServiceCollection AddLabSchedulerRateLimits(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddSingleton(settings);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (!settings.Enabled)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                return http.User.Identity?.IsAuthenticated == true && http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } sub
                    ? Window("user:" + sub, settings.PerUser)
                    : Window("address:" + Address(http), settings.PerAddress);
            });
            o.AddPolicy(AnonymousPolicy, http => settings.Enabled
                ? Window("anonymous:" + Address(http), settings.Anonymous)
                : RateLimitPartition.GetNoLimiter("off"));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblem.Result(ErrorCodes.RateLimited, $"Too many requests; try again in {seconds} s.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Window(string key, WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
