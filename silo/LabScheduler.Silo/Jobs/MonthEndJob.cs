using LabScheduler.Persistence.Accounting;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Daily: freezes the statements of the month before last's end (UTC+14 to UTC-12 all agree by
/// then that it is over). Idempotent: a frozen month is never written again.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class MonthEndJob(MonthEnd monthEnd, IClock clock, ILogger<MonthEndJob> logger) : IJob
{
    public static readonly JobKey Key = new("month-end-statements", "labsched");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        // Two days into a month, the previous month has ended in every zone.
        var today = now.InUtc().Date.PlusDays(-2);
        var previous = new LocalDate(today.Year, today.Month, 1).PlusMonths(-1);
        var written = await monthEnd.FreezeAsync(previous, now, cancellationToken);
        if (written > 0)
        {
            LogFrozen(logger, previous, written);
        }

        return written;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Froze the statements of {Month}: {Rows} row(s)")]
    private static partial void LogFrozen(ILogger logger, LocalDate month, int rows);
}
