using LabScheduler.Benchmarks.Baseline;
using LabScheduler.Testing;
using Npgsql;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// The two servers under load, each on its own database of the same PostgreSQL: LabScheduler started
/// by ./run.sh exactly as an operator starts it (one process, the silo with the gateway co-hosted,
/// unless LABSCHED_TOPOLOGY=separate is in the environment; migrations, demo mode) or, with
/// <paramref name="clusterSilos"/>, by deploy/cluster.sh (that many silos and
/// <paramref name="clusterGateways"/> gateways, each its own process, on consecutive HTTP ports),
/// and the baseline service as a separate process of this program.
/// </summary>
public sealed class Systems(string root, string adminConnectionString, string workFolder, int? clusterSilos = null, int clusterGateways = 2) : IAsyncDisposable
{
    private ManagedProcess? _labScheduler;
    private ManagedProcess? _baseline;
    private DateTime _clusterStarted;

    /// <summary>The HTTP port of LabScheduler (of its first gateway, in a cluster; the others follow it).</summary>
    public int LabSchedulerPort { get; } = clusterSilos is null ? LoopbackPorts.Free() : FreeRun(clusterGateways);

    public int BaselinePort { get; } = LoopbackPorts.Free();

    public string LabSchedulerUrl => $"http://127.0.0.1:{LabSchedulerPort}";

    /// <summary>Every gateway's URL (one unless it is a cluster).</summary>
    public IReadOnlyList<string> LabSchedulerUrls => [.. Enumerable.Range(LabSchedulerPort, clusterSilos is null ? 1 : clusterGateways).Select(p => $"http://127.0.0.1:{p}")];

    public string BaselineUrl => $"http://127.0.0.1:{BaselinePort}";

    public string LabSchedulerDb => WithDatabase("bench_labsched");

    public string BaselineDb => WithDatabase("bench_baseline");

    public string DataFolder => Path.Combine(workFolder, "labsched-data");

    /// <summary>Fresh databases for both systems.</summary>
    public async Task CreateDatabasesAsync()
    {
        await using var admin = NpgsqlDataSource.Create(adminConnectionString);
        foreach (var name in new[] { "bench_labsched", "bench_baseline" })
        {
            await using (var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await using var create = admin.CreateCommand($"CREATE DATABASE {name}");
            await create.ExecuteNonQueryAsync();
        }

        Directory.CreateDirectory(DataFolder);
    }

    public async Task StartLabSchedulerAsync(HttpClient http)
    {
        if (clusterSilos is { } silos)
        {
            await StartClusterAsync(http, silos);
            return;
        }

        _labScheduler = ManagedProcess.Start(
            Path.Combine(root, "run.sh"), [],
            new Dictionary<string, string>
            {
                ["LABSCHED_DB"] = LabSchedulerDb,
                ["LABSCHED_DATA"] = DataFolder,
                ["LABSCHED_PORT"] = LabSchedulerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LABSCHED_SKIP_BUILD"] = "1",
                ["Auth__Mode"] = "demo",
                // A few users drive thousands of requests a second: the per-user limit would measure itself.
                ["RateLimits__Enabled"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            root, Path.Combine(workFolder, "labsched.log"));
        await _labScheduler.WaitReadyAsync(http, $"{LabSchedulerUrl}/health/ready", TimeSpan.FromMinutes(3));
    }

    /// <summary>
    /// deploy/cluster.sh on the benchmark's database, with the settings run.sh is given above: it
    /// is ready when every gateway is and every silo is Active in the membership table (a gateway
    /// is ready with one silo).
    /// </summary>
    private async Task StartClusterAsync(HttpClient http, int silos)
    {
        _clusterStarted = await DatabaseNowAsync();
        _labScheduler = ManagedProcess.Start(
            Path.Combine(root, "deploy", "cluster.sh"),
            ["--silos", Invariant(silos), "--gateways", Invariant(clusterGateways), "--port", Invariant(LabSchedulerPort), "--data", DataFolder],
            new Dictionary<string, string>
            {
                ["LABSCHED_DB"] = LabSchedulerDb,
                ["LABSCHED_SKIP_BUILD"] = "1",
                ["RateLimits__Enabled"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            root, Path.Combine(workFolder, "labsched.log"));
        foreach (var url in LabSchedulerUrls)
        {
            await _labScheduler.WaitReadyAsync(http, $"{url}/health/ready", TimeSpan.FromMinutes(3));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((await ActiveSilosAsync()).Count < silos)
        {
            if (_labScheduler.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the cluster's {silos} silos did not all become Active (see {Path.Combine(DataFolder, "silo-*.log")})");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The silos of the running cluster that are Active in Orleans' membership table (host:port,
    /// as silo addresses print), rows of earlier starts left out.
    /// </summary>
    public async Task<IReadOnlyList<string>> ActiveSilosAsync()
    {
        await using var db = NpgsqlDataSource.Create(LabSchedulerDb);
        await using var command = db.CreateCommand("""
            SELECT address || ':' || port FROM orleansmembershiptable
             WHERE status = 3 AND starttime >= @since ORDER BY port
            """);
        command.Parameters.AddWithValue("since", _clusterStarted);
        var silos = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                silos.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // the first silo has not run the migrations yet
        }

        return silos;
    }

    public async Task StopLabSchedulerAsync()
    {
        if (_labScheduler is not null)
        {
            // cluster.sh gives the gateways 20 s and the silos 60 s to leave.
            await _labScheduler.StopAsync(TimeSpan.FromSeconds(clusterSilos is null ? 30 : 90));
            await _labScheduler.DisposeAsync();
            _labScheduler = null;
        }
    }

    public async Task StartBaselineAsync(HttpClient http)
    {
        var self = typeof(Systems).Assembly.Location;
        _baseline = ManagedProcess.Start(
            "dotnet", [self, "baseline", "--db", BaselineDb, "--port", BaselinePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--key", Path.Combine(DataFolder, "dev-signing.key")],
            new Dictionary<string, string>(), root, Path.Combine(workFolder, "baseline.log"));
        await _baseline.WaitReadyAsync(http, $"{BaselineUrl}/health/ready", TimeSpan.FromMinutes(1));
    }

    public async ValueTask DisposeAsync()
    {
        await StopLabSchedulerAsync();
        if (_baseline is not null)
        {
            await _baseline.DisposeAsync();
        }
    }

    private string WithDatabase(string database) => new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;

    private async Task<DateTime> DatabaseNowAsync()
    {
        await using var db = NpgsqlDataSource.Create(adminConnectionString);
        await using var command = db.CreateCommand("SELECT (now() AT TIME ZONE 'UTC')::timestamp");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first of <paramref name="count"/> consecutive free loopback ports (cluster.sh puts its gateways on BASE, BASE+1, ...).</summary>
    private static int FreeRun(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = LoopbackPorts.Free();
            if (first + count - 1 <= 65535 && Enumerable.Range(first + 1, count - 1).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports on 127.0.0.1");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);


    /// <summary>Seeds the baseline's tables from the world.</summary>
    public Task SeedBaselineAsync(World world) => BaselineService.SeedAsync(BaselineDb, world);
}
