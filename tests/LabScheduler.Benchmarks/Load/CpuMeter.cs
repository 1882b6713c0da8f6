using System.Globalization;
using Npgsql;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// CPU time the benchmark's own processes spent, read from /proc: PostgreSQL (every server process,
/// and what exited backends left in the postmaster's children's time), the silo, the gateway (or the
/// silo+gateway, when co-hosted; in a deploy/cluster.sh cluster each silo and gateway by the name
/// cluster.sh gave it, silo-1, gateway-2, ...) and the baseline service. CPU per operation does not depend on
/// what else the machine is doing, so it is the figure to compare on a noisy machine.
/// </summary>
/// <remarks>
/// Only processes descended from this one (run.sh or cluster.sh and what they start, the baseline) or from the
/// benchmark's PostgreSQL postmaster (found by the lock file of the socket in LABSCHED_TEST_DB) are
/// counted: on a shared machine other silos, gateways and PostgreSQL servers run too, and counting
/// them by name made the per-operation figures several times too high. Without the lock file (a TCP
/// host) every PostgreSQL process is counted, as before.
/// </remarks>
public static class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on

    private sealed record Proc(int Pid, int ParentPid, string CommandLine, long Ticks, long ChildTicks);

    /// <summary>CPU seconds so far, by component.</summary>
    public static IReadOnlyDictionary<string, double> Sample()
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return totals;
        }

        var processes = new Dictionary<int, Proc>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // Fields after the command name (which may hold spaces) in /proc/PID/stat: ppid is the 4th field, utime the 14th.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                processes[pid] = new Proc(
                    pid,
                    int.Parse(fields[1], CultureInfo.InvariantCulture),
                    cmdline,
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                    long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var postmaster = Postmaster();
        foreach (var p in processes.Values)
        {
            var postgres = p.CommandLine.StartsWith("postgres", StringComparison.Ordinal) || p.CommandLine.Contains("/postgres ", StringComparison.Ordinal);
            var ours = postgres && postmaster is null || DescendsFrom(p, postgres ? postmaster!.Value : Environment.ProcessId, processes);
            if (!ours)
            {
                continue;
            }

            // A silo with the gateway co-hosted (./run.sh's default) is one process: "silo+gateway".
            var component = ClusterName(p) is { } name ? name
                : p.CommandLine.Contains("LabScheduler.Silo", StringComparison.Ordinal)
                    ? p.CommandLine.Contains("Gateway:CoHosted=true", StringComparison.OrdinalIgnoreCase) ? "silo+gateway" : "silo"
                : p.CommandLine.Contains("LabScheduler.Gateway", StringComparison.Ordinal) ? "gateway"
                : p.CommandLine.Contains("LabScheduler.Benchmarks.dll baseline", StringComparison.Ordinal) ? "baseline"
                : postgres ? "postgres"
                : null;
            if (component is null)
            {
                continue;
            }

            var ticks = component == "postgres" ? p.Ticks + p.ChildTicks : p.Ticks;
            totals[component] = totals.GetValueOrDefault(component) + ticks / TicksPerSecond;
        }

        return totals;
    }

    /// <summary>
    /// The name deploy/cluster.sh gave a silo or gateway it started (silo-1, gateway-2): the end of
    /// LABSCHED_CLUSTER_PROC=DATA:NAME in its environment; null for any other process.
    /// </summary>
    private static string? ClusterName(Proc p)
    {
        if (!p.CommandLine.Contains("LabScheduler.Silo", StringComparison.Ordinal) && !p.CommandLine.Contains("LabScheduler.Gateway", StringComparison.Ordinal))
        {
            return null;
        }

        const string Marker = "LABSCHED_CLUSTER_PROC=";
        try
        {
            var marker = File.ReadAllText($"/proc/{p.Pid}/environ").Split('\0').FirstOrDefault(v => v.StartsWith(Marker, StringComparison.Ordinal));
            return marker is null ? null : marker[(marker.LastIndexOf(':') + 1)..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="p"/> is <paramref name="root"/> or one of its descendants.</summary>
    private static bool DescendsFrom(Proc p, int root, Dictionary<int, Proc> processes)
    {
        for (var (current, hops) = (p, 0); hops < 64; hops++)
        {
            if (current.Pid == root)
            {
                return true;
            }

            if (current.ParentPid <= 1 || !processes.TryGetValue(current.ParentPid, out var parent))
            {
                return false;
            }

            current = parent;
        }

        return false;
    }

    /// <summary>The pid of the benchmark's PostgreSQL: the first line of its socket's lock file; null when not found.</summary>
    private static int? Postmaster()
    {
        if (Environment.GetEnvironmentVariable("LABSCHED_TEST_DB") is not { } connectionString)
        {
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Host is not { } host || !host.StartsWith('/'))
        {
            return null;
        }

        try
        {
            var firstLine = File.ReadLines(Path.Combine(host, $".s.PGSQL.{builder.Port}.lock")).FirstOrDefault();
            return int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>"postgres 840 us, silo 760 us, ..." per operation between two samples.</summary>
    public static string PerOperation(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, long operations)
    {
        if (operations <= 0 || after.Count == 0)
        {
            return "";
        }

        var parts = after.Keys.Order(StringComparer.Ordinal)
            .Select(k => (Name: k, Us: (after[k] - before.GetValueOrDefault(k)) * 1e6 / operations))
            .Where(p => p.Us > 0)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Us:0} us"));
        return "CPU per op: " + string.Join(", ", parts);
    }
}
