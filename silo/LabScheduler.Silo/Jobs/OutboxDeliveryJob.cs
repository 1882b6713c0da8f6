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

            // Delivered and skipped notices are recorded a batch at a time (one statement each, not one per
            // notice): a notice sent but not yet recorded when the silo dies is sent again, as at-least-once allows.
            var sent = new List<Guid>(batch.Count);
            await outbox.MarkSkippedAsync([.. batch.Where(i => i.Stale).Select(i => i.Id)], clock.GetCurrentInstant(), cancellationToken);
            foreach (var item in batch.Where(i => !i.Stale))
            {
                try
                {
                    await sender.SendAsync(item, cancellationToken);
                    sent.Add(item.Id);
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

            await outbox.MarkDeliveredAsync(sent, sender.Name, clock.GetCurrentInstant(), cancellationToken);
        }
        while (batch.Count == Batch && !cancellationToken.IsCancellationRequested);

        return delivered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} not delivered (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger logger, Guid id, int attempt, string error);
}
