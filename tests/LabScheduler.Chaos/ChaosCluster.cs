using System.Diagnostics;
using LabScheduler.Testing;
using Npgsql;

namespace LabScheduler.Chaos;

/// <summary>
/// A real cluster on loopback, as <c>deploy/cluster.sh</c> starts one: a private PostgreSQL
/// (<c>deploy/pg.sh</c>), three silo processes and two gateway processes; and the faults done to it.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    public const int SiloCount = 3;
    public const int GatewayCount = 2;

    /// <summary>The silos' membership probe timeout (Orleans__ProbeTimeoutSeconds) and missed-probe limit.</summary>
    public const int ProbeTimeoutSeconds = 2;

    public const int MissedProbesLimit = 3;

    private readonly string _root;
    private readonly string _data;
    private readonly ManagedProcess?[] _silos = new ManagedProcess?[SiloCount];
    private readonly (int Silo, int Gateway)[] _siloPorts = new (int, int)[SiloCount];
    private readonly ClusterBuild[] _siloBuilds = new ClusterBuild[SiloCount];
    private readonly ManagedProcess?[] _gateways = new ManagedProcess?[GatewayCount];
    private readonly int[] _gatewayPorts = new int[GatewayCount];
    private readonly ClusterBuild[] _gatewayBuilds = new ClusterBuild[GatewayCount];
    private int _generation;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ChaosCluster(string root, string data, string connectionString, ClusterBuild build)
    {
        _root = root;
        _data = data;
        ConnectionString = connectionString;
        Array.Fill(_siloBuilds, build);
        Array.Fill(_gatewayBuilds, build);
    }

    /// <summary>The cluster's database (the `labsched` database of the private server).</summary>
    public string ConnectionString { get; }

    public IReadOnlyList<string> GatewayUrls => [.. _gatewayPorts.Select(p => $"http://127.0.0.1:{p}")];


    /// <summary>What each silo and gateway runs now (its build's name), in order.</summary>
    public string Versions => $"silos {string.Join(", ", _siloBuilds.Select(b => b.Name))}; gateways {string.Join(", ", _gatewayBuilds.Select(b => b.Name))}";

    /// <summary>
    /// Starts everything on a fresh data folder, every process from <paramref name="build"/> (default: this
    /// tree's, <see cref="ClusterBuild.Current"/>), and waits until both gateways are ready.
    /// </summary>
    public static async Task<ChaosCluster> StartAsync(string data, ClusterBuild? build = null)
    {
        var root = Repository.Root;
        if (Directory.Exists(data))
        {
            await PgAsync(root, $"pg_stop_private {Quote(data)} || true");
            Directory.Delete(data, recursive: true);
        }

        Directory.CreateDirectory(data);
        var output = await PgAsync(root, $"pg_start_private {Quote(data)} >&2 && echo \"$LABSCHED_PG_CONNSTR\"");
        var connection = new NpgsqlConnectionStringBuilder(output.Trim().Split('\n')[^1]) { ApplicationName = "chaos-check", MaxPoolSize = 5 }.ConnectionString;
        var cluster = new ChaosCluster(root, data, connection, build ?? ClusterBuild.Current);
        try
        {
            for (var k = 0; k < SiloCount; k++)
            {
                cluster._siloPorts[k] = (LoopbackPorts.Free(), LoopbackPorts.Free());
                cluster.StartSilo(k);
                if (k == 0)
                {
                    await cluster.WaitActiveSilosAsync(1, TimeSpan.FromMinutes(3)); // migrations and demo data first
                }
            }

            await cluster.WaitActiveSilosAsync(SiloCount, TimeSpan.FromMinutes(3));

            // The demo signing key all gateways share, made before any starts (as deploy/cluster.sh does), so they never race to make it.
            await File.WriteAllTextAsync(Path.Combine(data, "dev-signing.key"), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)));
            for (var k = 0; k < GatewayCount; k++)
            {
                cluster._gatewayPorts[k] = LoopbackPorts.Free();
                cluster.StartGateway(k);
            }

            for (var k = 0; k < GatewayCount; k++)
            {
                await cluster.WaitGatewayReadyAsync(k, TimeSpan.FromMinutes(3));
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public void StartSilo(int k) => _silos[k] = StartSiloProcess(k, _siloPorts[k], _siloBuilds[k], seed: k == 0, $"silo-{k + 1}.log");

    private ManagedProcess StartSiloProcess(int k, (int Silo, int Gateway) ports, ClusterBuild build, bool seed, string logName)
    {
        var dll = build.SiloDll;
        return ManagedProcess.Start("dotnet", [dll], new Dictionary<string, string>
        {
            ["ConnectionStrings__LabScheduler"] = WithApplicationName($"silo-{k + 1}"),
            ["Orleans__ClusterId"] = "chaos",
            ["Orleans__SiloPort"] = Invariant(ports.Silo),
            ["Orleans__GatewayPort"] = Invariant(ports.Gateway),
            ["Orleans__AdvertisedIp"] = "127.0.0.1",
            // Faster failure detection than Orleans' defaults (probe timeout 5 s, 3 missed probes): a killed
            // or paused silo is declared dead in about 6 s, so the SiloPaused run fits the short form.
            ["Orleans__ProbeTimeoutSeconds"] = Invariant(ProbeTimeoutSeconds),
            ["Orleans__MissedProbesLimit"] = Invariant(MissedProbesLimit),
            ["Seed__Demo"] = seed ? "true" : "false",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
        }, Path.GetDirectoryName(dll)!, Path.Combine(_data, logName));
    }

    public void StartGateway(int k)
    {
        var dll = _gatewayBuilds[k].GatewayDll;
        _gateways[k] = ManagedProcess.Start("dotnet", [dll, "--urls", GatewayUrls[k]], new Dictionary<string, string>
        {
            ["ConnectionStrings__LabScheduler"] = WithApplicationName($"gateway-{k + 1}"),
            ["Orleans__ClusterId"] = "chaos",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Auth__Mode"] = "demo",
            ["Auth__DevKeyFile"] = Path.Combine(_data, "dev-signing.key"),
            ["Web__Root"] = Path.Combine(_data, "no-web"),
            ["Logging__LogLevel__Default"] = "Warning",
        }, Path.GetDirectoryName(dll)!, Path.Combine(_data, $"gateway-{k + 1}.log"));
    }

    public async Task KillSiloAsync(int k) => await _silos[k]!.KillAsync();

    /// <summary>
    /// Replaces silo <paramref name="k"/> by one of <paramref name="build"/>, as a rolling update with maxSurge 1
    /// does: the new silo (on ports of its own) starts first and is waited for until it is Active in the
    /// membership table (then <paramref name="active"/> is called); only then is the old one sent SIGTERM and
    /// waited for until it has left (exited, and Dead in the table). Returns how long the old one took to leave.
    /// </summary>
    public async Task<TimeSpan> ReplaceSiloAsync(int k, ClusterBuild build, Action? active, TimeSpan timeout)
    {
        var ports = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var replacement = StartSiloProcess(k, ports, build, seed: false, $"silo-{k + 1}-{++_generation}.log");
        try
        {
            await WaitMembershipStatusAsync(ports.Item1, Active, replacement, timeout, $"the replacement of silo-{k + 1}");
        }
        catch
        {
            await replacement.DisposeAsync();
            throw;
        }

        active?.Invoke();
        var old = _silos[k]!;
        var oldPort = _siloPorts[k].Silo;
        _silos[k] = replacement;
        _siloPorts[k] = ports;
        _siloBuilds[k] = build;
        var left = await old.TerminateAsync(timeout)
            ?? throw new TimeoutException($"the old silo-{k + 1} still ran {timeout} after SIGTERM");
        if (old.ExitCode is not (0 or 143))
        {
            throw new InvalidOperationException($"the old silo-{k + 1} exited with {old.ExitCode} after SIGTERM; see its log in {_data}");
        }

        await WaitMembershipStatusAsync(oldPort, Dead, null, timeout, $"the old silo-{k + 1}");
        await old.DisposeAsync();
        return left;
    }

    /// <summary>
    /// Replaces gateway <paramref name="k"/> by one of <paramref name="build"/> on the same address: SIGTERM to
    /// the old one (its clients fail over to the other gateway meanwhile), then the new one started and
    /// waited for until it is ready.
    /// </summary>
    public async Task ReplaceGatewayAsync(int k, ClusterBuild build, TimeSpan timeout)
    {
        var old = _gateways[k]!;
        await old.StopAsync(TimeSpan.FromSeconds(30));
        await old.DisposeAsync();
        _gatewayBuilds[k] = build;
        StartGateway(k);
        await WaitGatewayReadyAsync(k, timeout);
    }

    public async Task KillGatewayAsync(int k) => await _gateways[k]!.KillAsync();

    /// <summary>Lines of the cluster's PostgreSQL log (deploy/pg.sh: DIR/pg.log) that contain <paramref name="text"/>; 0 when it cannot be read.</summary>
    public int PostgresLogCount(string text)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(_data, "pg.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var count = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    count++;
                }
            }

            return count;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public void PauseSilo(int k) => _silos[k]!.Signal(ManagedProcess.SigStop);

    public void ResumeSilo(int k) => _silos[k]!.Signal(ManagedProcess.SigCont);

    public bool SiloHasExited(int k) => _silos[k]?.HasExited ?? true;

    /// <summary>Stops PostgreSQL (<paramref name="mode"/>: fast or immediate) and starts it again after <paramref name="down"/>.</summary>
    public async Task RestartPostgresAsync(string mode, TimeSpan down)
    {
        await StopPostgresAsync(mode);
        await Task.Delay(down);
        await StartPostgresAsync();
    }

    /// <summary>Stops PostgreSQL (<paramref name="mode"/>: fast or immediate).</summary>
    public Task StopPostgresAsync(string mode) => PgAsync(_root, $"pg_stop_private {Quote(_data)} {mode}");

    /// <summary>Starts the stopped PostgreSQL again.</summary>
    public Task StartPostgresAsync() => PgAsync(_root, $"pg_start_private {Quote(_data)} >&2");

    /// <summary>SIGTERM to silo <paramref name="k"/>: how long it took to leave, or null when it still ran after <paramref name="limit"/>.</summary>
    public Task<TimeSpan?> TerminateSiloAsync(int k, TimeSpan limit) => _silos[k]!.TerminateAsync(limit);

    public int SiloExitCode(int k) => _silos[k]!.ExitCode;

    /// <summary>Ends every connection of the silos and gateways to PostgreSQL (not this suite's own).</summary>
    public async Task<int> TerminateBackendsAsync(string applicationNamePrefix)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name LIKE @p", connection);
        command.Parameters.AddWithValue("p", applicationNamePrefix + "%");
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the membership table has <paramref name="count"/> active silos.</summary>
    public async Task WaitActiveSilosAsync(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_silos.Any(s => s is not null && s.HasExited && count == SiloCount))
            {
                throw new InvalidOperationException("A silo exited while the cluster was starting; see its log in " + _data);
            }

            if (await ActiveSiloCountAsync() >= count)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{count} active silos not seen within {timeout}.");
    }

    /// <summary>Waits until silo <paramref name="k"/>'s current generation (on its silo port) is declared dead in the membership table.</summary>
    public Task WaitDeclaredDeadAsync(int k, TimeSpan timeout) => WaitMembershipStatusAsync(_siloPorts[k].Silo, Dead, null, timeout, $"silo-{k + 1}");

    private const int Active = 3;
    private const int Dead = 6;

    /// <summary>Waits until the latest generation on silo port <paramref name="port"/> has <paramref name="status"/> in the membership table; fails early when <paramref name="process"/> exits.</summary>
    private async Task WaitMembershipStatusAsync(int port, int status, ManagedProcess? process, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"{what} exited with {process.ExitCode} before it was {(status == Active ? "Active" : "Dead")}; see its log in {_data}");
            }

            var seen = await ScalarOrZeroAsync($"""
                SELECT count(*) FROM (SELECT status FROM orleansmembershiptable WHERE deploymentid = 'chaos' AND port = @p
                                      ORDER BY generation DESC LIMIT 1) latest
                WHERE status = {status}
                """, port);
            if (seen > 0)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{what} was not {(status == Active ? "Active" : "Dead")} in the membership table within {timeout}.");
    }

    public async Task WaitGatewayReadyAsync(int k, TimeSpan timeout)
    {
        await _gateways[k]!.WaitReadyAsync(_probe, $"{GatewayUrls[k]}/health/ready", timeout);
    }

    /// <summary>Brings back whatever a fault left down, and waits until all of it is in service.</summary>
    public async Task HealAsync(TimeSpan timeout)
    {
        for (var k = 0; k < SiloCount; k++)
        {
            if (_silos[k] is { HasExited: true } or null)
            {
                if (_silos[k] is { } old)
                {
                    await old.DisposeAsync();
                }

                StartSilo(k);
            }
        }

        await WaitActiveSilosAsync(SiloCount, timeout);
        for (var k = 0; k < GatewayCount; k++)
        {
            if (_gateways[k] is { HasExited: true } or null)
            {
                if (_gateways[k] is { } old)
                {
                    await old.DisposeAsync();
                }

                StartGateway(k);
            }

            await WaitGatewayReadyAsync(k, timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways.OfType<ManagedProcess>())
        {
            await gateway.DisposeAsync();
        }

        foreach (var silo in _silos.OfType<ManagedProcess>())
        {
            await silo.DisposeAsync();
        }

        await PgAsync(_root, $"pg_stop_private {Quote(_data)} >&2 || true");
        _probe.Dispose();
    }

    private async Task<long> ActiveSiloCountAsync() =>
        await ScalarOrZeroAsync("""
            SELECT count(*) FROM (SELECT DISTINCT ON (port) status FROM orleansmembershiptable
                                  WHERE deploymentid = 'chaos' AND port = ANY(@p) ORDER BY port, generation DESC) latest
            WHERE status = 3
            """, _siloPorts.Select(p => p.Silo).ToArray());

    private async Task<long> ScalarOrZeroAsync(string sql, object parameter)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("p", parameter);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0; // the first silo has not migrated yet
        }
        catch (NpgsqlException)
        {
            return 0; // PostgreSQL restarting
        }
    }

    private string WithApplicationName(string name) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = name, MaxPoolSize = 50 }.ConnectionString;

    private static async Task<string> PgAsync(string root, string script)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"set -euo pipefail; source deploy/pg.sh; pg_ensure_installed >&2; {script}");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/pg.sh: `{script}` exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
