using LabScheduler.Persistence.Notifications;
using LabScheduler.Silo.Notifications;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Delivers due notifications from the outbox through the configured sender. Rows are claimed
/// with SKIP LOCKED, so silos running this at once share the work instead of doubling it; a failed
/// send is retried with a growing delay.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class OutboxDeliveryJob(NotificationOutbox outbox, INotificationSender sender, IClock clock, ILogger<OutboxDeliveryJob> logger) : IJob
{
    public static readonly JobKey Key = new("outbox-delivery", "labsched");

    private const int Batch = 200;
    private static readonly Duration ClaimFor = Duration.FromMinutes(2);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <summary>Delivers what is due now; returns how many were delivered.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        IReadOnlyList<OutboxItem> batch;
        do
        {
            batch = await outbox.ClaimDueAsync(clock.GetCurrentInstant(), Batch, ClaimFor, cancellationToken);
            foreach (var item in batch)
            {
                if (item.Stale)
                {
                    await outbox.MarkSkippedAsync(item.Id, clock.GetCurrentInstant(), cancellationToken);
                    continue;
                }

                try
                {
                    await sender.SendAsync(item, cancellationToken);
                    await outbox.MarkDeliveredAsync(item.Id, sender.Name, clock.GetCurrentInstant(), cancellationToken);
                    delivered++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // 1, 2, 4 ... minutes, at most an hour.
                    var delay = Duration.FromMinutes(Math.Min(60, 1 << Math.Min(item.Attempts - 1, 6)));
                    await outbox.MarkFailedAsync(item.Id, e.Message, clock.GetCurrentInstant() + delay, cancellationToken);
                    LogFailed(logger, item.Id, item.Attempts, e.Message);
                }
            }
        }
        while (batch.Count == Batch && !cancellationToken.IsCancellationRequested);

        return delivered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} not delivered (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger logger, Guid id, int attempt, string error);
}
