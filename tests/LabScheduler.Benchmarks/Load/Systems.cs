using LabScheduler.Benchmarks.Baseline;
using LabScheduler.Testing;
using Npgsql;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// The two servers under load, each on its own database of the same PostgreSQL: LabScheduler started
/// by ./run.sh exactly as an operator starts it (one process, the silo with the gateway co-hosted,
/// unless LABSCHED_TOPOLOGY=separate is in the environment; migrations, demo mode),
/// and the baseline service as a separate process of this program.
/// </summary>
public sealed class Systems(string root, string adminConnectionString, string workFolder) : IAsyncDisposable
{
    private ManagedProcess? _labScheduler;
    private ManagedProcess? _baseline;

    public int LabSchedulerPort { get; } = LoopbackPorts.Free();

    public int BaselinePort { get; } = LoopbackPorts.Free();

    public string LabSchedulerUrl => $"http://127.0.0.1:{LabSchedulerPort}";

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

    public async Task StopLabSchedulerAsync()
    {
        if (_labScheduler is not null)
        {
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


    /// <summary>Seeds the baseline's tables from the world.</summary>
    public Task SeedBaselineAsync(World world) => BaselineService.SeedAsync(BaselineDb, world);
}
