using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// The silo's probes for an orchestrator, on their own small HTTP listener (<c>Health__Port</c>;
/// off unless set): <c>GET /health/live</c> is 200 while the process answers and the cluster has not
/// declared this silo dead; <c>GET /health/ready</c> is 200 only while the silo is Active in the
/// membership table and PostgreSQL answers, else 503 with <c>Retry-After</c> and the failed check.
/// Liveness does not depend on PostgreSQL: a database outage must not get every silo restarted.
/// The listener starts before Orleans, so a silo still joining is live and not ready.
/// </summary>
public sealed partial class SiloHealthEndpoint(IServiceProvider services, IPEndPoint endpoint, ILogger<SiloHealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
    private WebApplication? _app;

    /// <summary>The address it listens on (the port is the one bound when 0 was asked for).</summary>
    public IPEndPoint? ListeningOn { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint, l => l.Protocols = HttpProtocols.Http1);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.MapGet("/health/live", Live);
        app.MapGet("/health/ready", Ready);
        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Urls.Select(u => new Uri(u)).First();
        ListeningOn = new IPEndPoint(endpoint.Address, address.Port);
        LogListening(logger, ListeningOn);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync();
        }
    }

    private IResult Live()
    {
        var status = OwnSilo.Status(services);
        return status is SiloStatus.Dead
            ? Report(StatusCodes.Status503ServiceUnavailable, "not-live", [new("membership", false, "declared dead by the cluster")])
            : Report(StatusCodes.Status200OK, "live", [new("membership", true, OwnSilo.Describe(status))]);
    }

    private async Task<IResult> Ready(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var status = OwnSilo.Status(services);
        HealthCheck membership = new("membership", status is SiloStatus.Active, OwnSilo.Describe(status));
        HealthCheck database;
        try
        {
            await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            database = new("postgresql", true, "answers");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogProbeFailed(logger, e);
            database = new("postgresql", false, timeout.IsCancellationRequested ? "no answer in time" : "does not answer (see the silo log)");
        }

        var ready = membership.Ok && database.Ok;
        return Report(ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, ready ? "ready" : "not-ready", [membership, database]);
    }

    private static IResult Report(int statusCode, string status, IReadOnlyList<HealthCheck> checks) => new ProbeResult(statusCode, new HealthReport(status, checks));

    /// <summary>The report as JSON; a 503 says when to ask again, as the gateway's outage answers do.</summary>
    private sealed class ProbeResult(int statusCode, HealthReport report) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = statusCode;
            context.Response.Headers.CacheControl = "no-store";
            if (statusCode == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "5";
            }

            await context.Response.WriteAsJsonAsync(report, HealthJson.Default.HealthReport, cancellationToken: context.RequestAborted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health probes on http://{Endpoint}/health/live and /health/ready.")]
    private static partial void LogListening(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness probe postgresql failed.")]
    private static partial void LogProbeFailed(ILogger logger, Exception exception);
}

/// <summary>This silo's status as its own membership view has it: the silo's probes and a co-hosted gateway's readiness.</summary>
public static class OwnSilo
{
    /// <summary>None before Orleans has started.</summary>
    public static SiloStatus Status(IServiceProvider services)
    {
        var local = services.GetService<ILocalSiloDetails>();
        var membership = services.GetService<IClusterMembershipService>();
        return local is null || membership is null ? SiloStatus.None : membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
    }

    public static string Describe(SiloStatus status) => status switch
    {
        SiloStatus.None or SiloStatus.Created or SiloStatus.Joining => "joining the cluster",
        SiloStatus.Active => "active",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "leaving the cluster",
        SiloStatus.Dead => "declared dead by the cluster",
        _ => status.ToString(),
    };
}

/// <summary>
/// A co-hosted gateway's <c>cluster</c> readiness: the silo of its process is Active in the
/// membership table (not merely some silo of the cluster: this one answers the gateway's calls).
/// </summary>
public sealed class OwnSiloReadiness(IServiceProvider services) : LabScheduler.Gateway.Hosting.IClusterReadiness
{
    public Task<(bool Ok, string Detail)> CheckAsync(CancellationToken cancellationToken)
    {
        var status = OwnSilo.Status(services);
        return Task.FromResult((status is SiloStatus.Active, "this silo: " + OwnSilo.Describe(status)));
    }
}

public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

public sealed record HealthCheck(string Name, bool Ok, string Detail);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
