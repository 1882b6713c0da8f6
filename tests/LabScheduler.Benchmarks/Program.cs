using LabScheduler.Benchmarks.Baseline;
using LabScheduler.Benchmarks.InProcess;
using LabScheduler.Benchmarks.Load;

// ./bench.sh [--quick] [--only a,b] [--cluster N]   the load benchmark over HTTP against the SQL-only baseline (--only: those
//                                      scenarios; --cluster N: LabScheduler as deploy/cluster.sh runs it, N silos and two gateways)
// ./bench.sh --in-process [options]    grains called in-process against plain SQL (older, finer-grained)
// (internal) baseline --db CS --port P --key FILE   the baseline service, started by the load benchmark
if (args is ["baseline", ..])
{
    await BaselineService.RunAsync(Option("--db"), int.Parse(Option("--port"), System.Globalization.CultureInfo.InvariantCulture), Option("--key"));
    return 0;
}

if (args.Contains("--in-process"))
{
    await InProcessBenchmark.RunAsync(args);
    return 0;
}

var root = Environment.GetEnvironmentVariable("LABSCHED_ROOT") ?? throw new InvalidOperationException("LABSCHED_ROOT is not set: run ./bench.sh");
var admin = Environment.GetEnvironmentVariable("LABSCHED_TEST_DB") ?? throw new InvalidOperationException("LABSCHED_TEST_DB is not set: run ./bench.sh");
var results = args.SkipWhile(a => a != "--results").Skip(1).FirstOrDefault() ?? Path.Combine(root, "bench-results.json");
var clusterSilos = args.Contains("--cluster") ? Silos(args.SkipWhile(a => a != "--cluster").Skip(1).FirstOrDefault()) : (int?)null;
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
return await new LoadBenchmark(new LoadOptions(args.Contains("--quick"), root, admin, results, only, clusterSilos)).RunAsync();

string Option(string name) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required");

static int Silos(string? value) =>
    int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 9
        ? n
        : throw new ArgumentException($"--cluster needs a number of silos from 1 to 9, not '{value}'");
