using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using System.Security.Claims;

namespace LabScheduler.Gateway.Auth;

/// <summary>JWT bearer authentication in demo or OIDC mode, with problem-details refusals.</summary>
public static partial class AuthSetup
{
    public static IServiceCollection AddLabSchedulerAuth(this IServiceCollection services, AuthSettings settings)
    {
        services.AddSingleton(settings);
        if (settings.IsDemo)
        {
            services.AddSingleton<DevTokens>();
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((options, sp) =>
        {
            options.MapInboundClaims = false;
            if (settings.IsDemo)
            {
                var tokens = sp.GetRequiredService<DevTokens>();
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = DevTokens.Issuer,
                    ValidAudience = DevTokens.Audience,
                    IssuerSigningKey = tokens.SigningKey,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            }
            else
            {
                options.Authority = settings.Authority ?? throw new InvalidOperationException("Auth__Authority is required in oidc mode.");
                options.Audience = settings.Audience ?? throw new InvalidOperationException("Auth__Audience is required in oidc mode.");
                options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                // RFC 9068: an access token says so in its header (typ at+jwt), names the pinned issuer and our audience;
                // an ID token or any other JWT the provider signed is not an access token for this API.
                var validation = options.TokenValidationParameters;
                validation.RequireSignedTokens = true;
                validation.RequireExpirationTime = true;
                validation.ValidTypes = ["at+jwt", "application/at+jwt"];
                validation.ValidateIssuer = true;
                validation.ValidIssuer = settings.Issuer ?? settings.Authority;
                validation.ValidateAudience = true;
                validation.ValidAudience = settings.Audience;
                validation.ValidateLifetime = true;
            }

            options.Events = new JwtBearerEvents
            {
                // The Orleans dashboard's page and its polls come from a browser page load: the token is in its cookie.
                OnMessageReceived = context =>
                {
                    context.Token ??= LabScheduler.Gateway.Admin.DashboardAccess.TokenFromCookie(context.Request);
                    return Task.CompletedTask;
                },
                OnTokenValidated = async context =>
                {
                    // A valid token whose subject is no known user is still a 401.
                    var sub = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
                    var directory = context.HttpContext.RequestServices.GetRequiredService<GatewayDirectory>();
                    if (sub is null || !await directory.UserExistsAsync(sub))
                    {
                        context.Fail("The token's subject is not a known user.");
                    }
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await ApiProblem.Result(ErrorCodes.Unauthenticated, context.AuthenticateFailure is null
                            ? "Sign in: send Authorization: Bearer <token>."
                            : "The bearer token is not valid (signature, issuer, audience, expiry or subject).")
                        .ExecuteAsync(context.HttpContext);
                },
                OnForbidden = context => ApiProblem.Result(ErrorCodes.Forbidden, "Not allowed.").ExecuteAsync(context.HttpContext),
            };
        });
        services.AddAuthorization();
        return services;
    }

    /// <summary>The caller of an authenticated request, as the grains know actors.</summary>
    public static Actor Actor(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("No subject on an authenticated request."));
}
