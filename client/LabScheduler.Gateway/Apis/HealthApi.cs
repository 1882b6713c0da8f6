using LabScheduler.Gateway.Hosting;
using Npgsql;

namespace LabScheduler.Gateway.Apis;

/// <summary>
/// Liveness and readiness: ready only when the silo cluster and PostgreSQL answer (co-hosted in a
/// silo: when that silo is Active in the membership table, <see cref="IClusterReadiness"/>). The probes are
/// anonymous, so a failed check says only what failed; why (the exception) goes to the gateway's log.
/// </summary>
public static partial class HealthApi
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Probes are never rate limited: a refused probe would take a healthy gateway out of rotation.
        var health = app.MapGroup("/health").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", [])))
            .WithName("Live").WithSummary("The gateway process is running.");
        health.MapGet("/ready", Ready)
            .WithName("Ready").Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable).WithSummary("The silo cluster and PostgreSQL answer.");
        return app;
    }

    private static async Task<IResult> Ready(IClusterReadiness cluster, NpgsqlDataSource database, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(HealthApi));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var checks = new List<HealthCheck>
        {
            await Probe(logger, "postgresql", timeout.Token, async () =>
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                return (true, "answers");
            }),
            await Probe(logger, "cluster", timeout.Token, () => cluster.CheckAsync(timeout.Token)),
        };

        var ready = checks.All(c => c.Ok);
        var report = new HealthReport(ready ? "ready" : "not-ready", checks);
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<HealthCheck> Probe(ILogger logger, string name, CancellationToken timeout, Func<Task<(bool Ok, string Detail)>> probe)
    {
        try
        {
            var (ok, detail) = await probe();
            return new HealthCheck(name, ok, detail);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogProbeFailed(logger, name, e);
            return new HealthCheck(name, false, timeout.IsCancellationRequested ? "no answer in time" : "does not answer (see the gateway log)");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness probe {Check} failed.")]
    private static partial void LogProbeFailed(ILogger logger, string check, Exception exception);

    public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

    public sealed record HealthCheck(string Name, bool Ok, string Detail);
}
