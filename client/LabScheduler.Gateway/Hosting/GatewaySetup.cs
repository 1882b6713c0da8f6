using System.Text.Json;
using System.Text.Json.Serialization;
using LabScheduler.Gateway.Apis;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Admin;
using LabScheduler.Gateway.Metrics;
using Orleans.Dashboard;
using LabScheduler.Gateway.RateLimiting;
using LabScheduler.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using LabScheduler.Contracts.Cluster;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Scalar.AspNetCore;

namespace LabScheduler.Gateway.Hosting;

/// <summary>
/// Wires the gateway: the HTTP API, and an Orleans client of the silo cluster found through
/// PostgreSQL, or, co-hosted (<see cref="GatewayHosting.InSilo"/>), the silo of its own process.
/// </summary>
public static partial class GatewaySetup
{
    public static WebApplicationBuilder AddLabSchedulerGateway(this WebApplicationBuilder builder, GatewayHosting hosting = GatewayHosting.Client)
    {
        var connectionString = DatabaseConnection.WithPasswordFile(
            builder.Configuration.GetConnectionString("LabScheduler")
                ?? throw new InvalidOperationException("Set ConnectionStrings__LabScheduler (an Npgsql connection string)."),
            builder.Configuration[DatabaseConnection.PasswordFileKey]);
        builder.Services.AddSingleton(new GatewayDatabase(connectionString));
        builder.Services.AddSingleton(new HostingMode(hosting));
        var orleans = builder.Configuration.GetSection("Orleans");
        var auth = builder.Configuration.GetSection("Auth").Get<AuthSettings>() ?? new AuthSettings();
        auth.Resolve(builder.Environment.IsDevelopment());

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            k.Limits.MaxRequestLineSize = 16 * 1024;
        });
        // Co-hosted, the silo's data source (one pool for the process) and clock are taken.
        builder.Services.TryAddSingleton(_ => LabSchedulerDataSource.Create(connectionString));
        builder.Services.TryAddSingleton<IClock>(SystemClock.Instance);
        builder.Services.TryAddSingleton<GatewayMetrics>();
        builder.AddLabSchedulerTelemetry(hosting == GatewayHosting.InSilo ? "labscheduler" : "labscheduler-gateway");
        builder.Services.AddSingleton<GatewayDirectory>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddHostedService<IdempotencyPurge>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-made problems (405, unmatched routes) get a stable code too.
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = ApiProblem.CodeOf(context.ProblemDetails.Status ?? 500);
            }
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.MaxDepth = 16;
        });
        builder.Services.AddOpenApi(o => o.AddBearerScheme());
        builder.Services.AddLabSchedulerAuth(auth);
        builder.Services.AddDashboardAccess();
        builder.Services.AddLabSchedulerRateLimits(builder.Configuration.GetSection("RateLimits").Get<RateLimitSettings>() ?? new RateLimitSettings());
        if (hosting == GatewayHosting.InSilo)
        {
            // The silo host registers IClusterClient and IGrainFactory, the readiness of its own silo
            // (IClusterReadiness), and the call filter for the gateway's calls (GatewayCall).
            return builder;
        }

        builder.Services.AddSingleton<IClusterReadiness, ClusterClientReadiness>();
        AddOrleansClient(builder, orleans, connectionString);
        return builder;
    }

    /// <summary>The gateway as a client of a silo cluster of its own processes.</summary>
    private static void AddOrleansClient(WebApplicationBuilder builder, IConfigurationSection orleans, string connectionString)
    {
        builder.Services.AddSingleton<IClientConnectionRetryFilter, RetryUntilConnected>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "labsched";
                o.ServiceId = orleans["ServiceId"] ?? "labscheduler";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.AddOutgoingGrainCallFilter<GrainCallMetricsFilter>();
            // The request's trace goes on through grain calls (spans only while someone listens).
            client.AddActivityPropagation();
            if (orleans.GetValue<bool>("Dashboard"))
            {
                client.AddDashboard(o => o.HideTrace = true);
            }
            if (orleans.GetSection("Tls").Get<ClusterTls>() is { Enabled: true } tls)
            {
                var peers = tls.PeerValidator();
                client.UseTls(tls.LoadCertificate(), o =>
                {
                    o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                    o.RemoteCertificateValidation = (remote, chain, errors) => peers(remote, chain, errors);
                });
            }

            // Npgsql's exceptions from a silo (a grain whose activation failed on the database) arrive as themselves: a 503, not a 500.
            client.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

            // How long a request waits for a grain before it answers 503; Orleans' default is 30 s.
            if (orleans.GetValue<int?>("ResponseTimeoutSeconds") is { } seconds)
            {
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(seconds));
            }
        });
    }

    public static WebApplication UseLabSchedulerGateway(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<AuthSettings>();
        LogDatabase(app.Logger, DatabaseConnection.Redact(app.Services.GetRequiredService<GatewayDatabase>().ConnectionString));
        if (auth.IsDemo)
        {
            LogDemoMode(app.Logger, app.Services.GetRequiredService<DevTokens>().KeyFile);
        }
        else
        {
            LogOidcMode(app.Logger, auth.Authority, auth.Audience);
        }

        if (app.Services.GetRequiredService<HostingMode>().Hosting == GatewayHosting.InSilo)
        {
            // Co-hosted: the gateway's grain calls are told from the silo's own (GatewayCall).
            app.Use(async (http, next) =>
            {
                GatewayCall.Mark();
                await next(http);
            });
        }

        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseWebApp();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: the signed-in user is the partition
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseWebAppFallback();

        app.MapHealthApi();
        app.MapDashboard(app.Configuration.GetValue<bool>("Orleans:Dashboard"));
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs").AllowAnonymous();

        var api = app.MapGroup("/api/v1");
        api.MapAuthApi();
        var signedIn = api.MapGroup("").RequireAuthorization();
        signedIn.MapUsersApi();
        signedIn.MapLabsApi();
        signedIn.MapTeamsApi();
        signedIn.MapInstrumentsApi();
        signedIn.MapAvailabilityApi();
        signedIn.MapBookingsApi();
        signedIn.MapSlotsApi();
        signedIn.MapScheduleApi();
        signedIn.MapQuoteApi();
        signedIn.MapWaitlistApi();
        signedIn.MapAccountingApi();
        signedIn.MapAuditApi();
        signedIn.MapNotificationsApi();
        api.MapCalendarsApi(signedIn);
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Database}")]
    private static partial void LogDatabase(ILogger logger, string database);

    /// <summary>The connection string the gateway uses (password included: log only its <see cref="DatabaseConnection.Redact"/> form).</summary>
    private sealed record GatewayDatabase(string ConnectionString);

    private sealed record HostingMode(GatewayHosting Hosting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE: anyone who can reach this gateway can get a token for any user at POST /api/v1/auth/dev-token (signing key {KeyFile}). Set Auth__Mode=oidc in production.")]
    private static partial void LogDemoMode(ILogger logger, string keyFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Auth mode oidc: access tokens from {Authority} for audience {Audience}; no dev tokens.")]
    private static partial void LogOidcMode(ILogger logger, string? authority, string? audience);
}
