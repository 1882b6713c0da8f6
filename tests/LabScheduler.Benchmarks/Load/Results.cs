using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LabScheduler.Benchmarks.Load;

/// <summary>One scenario's figures, as bench-results.json carries them (absent fields: not measured).</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    public double OpsPerSec { get; init; }

    public double P50Ms { get; init; }

    public double P95Ms { get; init; }

    public double P99Ms { get; init; }

    public int Errors { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? BaselineOpsPerSec { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? BaselineP99Ms { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Ratio { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P50MsAt0 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P50MsAt10k { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P50MsAt100k { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? OverlapsFound { get; init; }

    /// <summary>catalog: milliseconds per instrument created, for the first and the last hundred.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CreateMsFirst100 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CreateMsLast100 { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ConflictRate { get; init; }

    /// <summary>A --cluster run's book: the silos Active in the membership table after the run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ActiveSilos { get; init; }

    /// <summary>A --cluster run's book: per silo (host:port), the instrument grains it held after the run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? InstrumentGrainsBySilo { get; init; }

    /// <summary>A --cluster run's book: per silo, the bookings created on the instruments whose grains it held.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? BookingsBySilo { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }

    public static ScenarioResult Of(string name, RunResult run, Func<int, bool> isError) => new()
    {
        Name = name,
        OpsPerSec = Round(run.OpsPerSecond),
        P50Ms = Round(run.Latencies.Percentile(50)),
        P95Ms = Round(run.Latencies.Percentile(95)),
        P99Ms = Round(run.Latencies.Percentile(99)),
        Errors = run.Latencies.Where(isError),
    };

    public static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 2) : 0;
}

public sealed record BenchResults(string Machine, bool Quick, IReadOnlyList<ScenarioResult> Scenarios)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task WriteAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    public string Table()
    {
        var lines = new List<string>
        {
            string.Format(CultureInfo.InvariantCulture, "{0,-12} {1,10} {2,9} {3,9} {4,9} {5,7} {6,11} {7,7}  {8}", "scenario", "ops/s", "p50 ms", "p95 ms", "p99 ms", "errors", "baseline/s", "ratio", "notes"),
        };
        foreach (var s in Scenarios)
        {
            lines.Add(string.Format(
                CultureInfo.InvariantCulture, "{0,-12} {1,10:0.0} {2,9:0.00} {3,9:0.00} {4,9:0.00} {5,7} {6,11} {7,7}  {8}",
                s.Name, s.OpsPerSec, s.P50Ms, s.P95Ms, s.P99Ms, s.Errors,
                s.BaselineOpsPerSec is { } b ? b.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                s.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                s.Note ?? ""));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
