using System.Globalization;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// CPU time the system's processes spent, read from /proc: PostgreSQL (every server process, and
/// what exited backends left in the postmaster's children's time), the silo, the gateway (or the
/// silo+gateway, when co-hosted) and the baseline service. CPU per operation does not depend on what else the machine is doing, so it is
/// the figure to compare on a noisy machine.
/// </summary>
public static class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on

    /// <summary>CPU seconds so far, by component.</summary>
    public static IReadOnlyDictionary<string, double> Sample()
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return totals;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // A silo with the gateway co-hosted (./run.sh's default) is one process: "silo+gateway".
                var component = cmdline.Contains("LabScheduler.Silo", StringComparison.Ordinal)
                        ? cmdline.Contains("Gateway:CoHosted=true", StringComparison.OrdinalIgnoreCase) ? "silo+gateway" : "silo"
                    : cmdline.Contains("LabScheduler.Gateway", StringComparison.Ordinal) ? "gateway"
                    : cmdline.Contains("LabScheduler.Benchmarks.dll baseline", StringComparison.Ordinal) ? "baseline"
                    : cmdline.StartsWith("postgres", StringComparison.Ordinal) || cmdline.Contains("/postgres ", StringComparison.Ordinal) ? "postgres"
                    : null;
                if (component is null)
                {
                    continue;
                }

                // Fields after the command name (which may hold spaces) in /proc/PID/stat: utime is the 14th field.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (component == "postgres")
                {
                    ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                }

                totals[component] = totals.GetValueOrDefault(component) + ticks / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process ended while we read it.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return totals;
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
