using Npgsql;

namespace LabScheduler.Gateway.Apis;

/// <summary>Liveness and readiness: ready only when the silo cluster and PostgreSQL answer.</summary>
public static class HealthApi
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").AllowAnonymous();
        health.MapGet("/live", () => TypedResults.Ok(new HealthReport("live", [])))
            .WithName("Live").WithSummary("The gateway process is running.");
        health.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("The silo cluster and PostgreSQL answer.");
        return app;
    }

    private static async Task<IResult> Ready(IClusterClient cluster, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var checks = new List<HealthCheck>
        {
            await Probe("postgresql", async () =>
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                return "answers";
            }),
            await Probe("cluster", async () =>
            {
                var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(timeout.Token);
                return silos.Count > 0 ? $"{silos.Count} active silo(s)" : throw new InvalidOperationException("no active silo");
            }),
        };

        var ready = checks.All(c => c.Ok);
        var report = new HealthReport(ready ? "ready" : "not-ready", checks);
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<HealthCheck> Probe(string name, Func<Task<string>> probe)
    {
        try
        {
            return new HealthCheck(name, true, await probe());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new HealthCheck(name, false, e.Message);
        }
    }

    public sealed record HealthReport(string Status, IReadOnlyList<HealthCheck> Checks);

    public sealed record HealthCheck(string Name, bool Ok, string Detail);
}
