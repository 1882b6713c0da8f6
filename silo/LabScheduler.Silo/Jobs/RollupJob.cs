using LabScheduler.Contracts.Catalog;
using LabScheduler.Domain.Time;
using LabScheduler.Persistence.Accounting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Nightly: rolls up utilization per instrument, team and lab-local day for every day that ended
/// at least two days ago in the lab's zone (by then no booking of that day changes status). Days
/// are mapped to instants here with NodaTime. Idempotent: rolling a day up again writes the same row.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class RollupJob(Rollups rollups, IGrainFactory grains, IClock clock, ILogger<RollupJob> logger) : IJob
{
    public static readonly JobKey Key = new("utilization-rollup", "labsched");

    private const int DaysPerBatch = 20_000;

    // Dirty marks handled per run; more wait for the next run.
    private const int DirtyPerRun = 10_000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <summary>Rolls up what is due; returns the number of day rows written.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var instruments = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).FindInstrumentsAsync(new InstrumentFilter(), null, int.MaxValue);
        var progress = await rollups.ProgressAsync(cancellationToken);
        var first = await rollups.FirstBookingsAsync([.. instruments.Where(i => !progress.ContainsKey(i.Id)).Select(i => i.Id)], cancellationToken);
        var days = new List<(string, LocalDate, Interval)>();
        var until = new Dictionary<string, LocalDate>();
        var written = 0;
        foreach (var instrument in instruments)
        {
            var zone = LabTime.FindZone(instrument.TimeZone).Value;
            var target = now.InZone(zone).Date.PlusDays(-1); // days before this have ended at least a day ago
            var from = progress.TryGetValue(instrument.Id, out var rolled) ? rolled
                : first.TryGetValue(instrument.Id, out var start) ? start.InZone(zone).Date
                : target;
            for (var day = from; day < target; day = day.PlusDays(1))
            {
                days.Add((instrument.Id, day, new Interval(zone.AtStartOfDay(day).ToInstant(), zone.AtStartOfDay(day.PlusDays(1)).ToInstant())));
            }

            until[instrument.Id] = target > from ? target : from;
            if (days.Count >= DaysPerBatch)
            {
                written += await rollups.RollUpAsync(days, until, cancellationToken: cancellationToken);
                days.Clear();
                until.Clear();
            }
        }

        written += await rollups.RollUpAsync(days, until, cancellationToken: cancellationToken);
        written += await RecomputeDirtyAsync(instruments, await rollups.ProgressAsync(cancellationToken), cancellationToken);
        LogRolledUp(logger, written, instruments.Count);
        return written;
    }

    // Rolls up again the lab-local days (already rolled up) that booking changes marked dirty.
    private async Task<int> RecomputeDirtyAsync(IReadOnlyList<InstrumentEntry> instruments, IReadOnlyDictionary<string, LocalDate> progress, CancellationToken cancellationToken)
    {
        var dirty = await rollups.DirtyAsync(DirtyPerRun, cancellationToken);
        if (dirty.Count == 0)
        {
            return 0;
        }

        var zones = instruments.ToDictionary(i => i.Id, i => LabTime.FindZone(i.TimeZone).Value, StringComparer.Ordinal);
        var days = new HashSet<(string, LocalDate, Interval)>();
        foreach (var (_, instrumentId, during) in dirty)
        {
            if (!zones.TryGetValue(instrumentId, out var zone) || !progress.TryGetValue(instrumentId, out var rolledUntil))
            {
                continue;
            }

            var last = during.End.InZone(zone).Date;
            for (var day = during.Start.InZone(zone).Date; day <= last && day < rolledUntil; day = day.PlusDays(1))
            {
                days.Add((instrumentId, day, new Interval(zone.AtStartOfDay(day).ToInstant(), zone.AtStartOfDay(day.PlusDays(1)).ToInstant())));
            }
        }

        var written = await rollups.RollUpAsync([.. days], new Dictionary<string, LocalDate>(), [.. dirty.Select(d => d.Id)], cancellationToken);
        LogRecomputed(logger, days.Count, dirty.Count);
        return written;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Utilization roll-up recomputed {Days} day(s) for {Marks} dirty mark(s)")]
    private static partial void LogRecomputed(ILogger logger, int days, int marks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Utilization roll-up wrote {Rows} day row(s) for {Instruments} instrument(s)")]
    private static partial void LogRolledUp(ILogger logger, int rows, int instruments);
}
