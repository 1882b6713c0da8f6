using System.Globalization;
using LabScheduler.Persistence.Notifications;
using LabScheduler.Silo.Notifications;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Delivers due notifications from the outbox through the configured sender. Rows are claimed
/// with SKIP LOCKED, so silos running this at once share the work instead of doubling it; a failed
/// send is retried with a growing delay, and after <see cref="OutboxOptions.MaxAttempts"/> the notice is dead.
/// </summary>
/// <remarks>
/// A batch's claim covers the whole batch: <see cref="OutboxOptions.ClaimFor"/> is every delivery at its
/// timeout, which this job enforces, plus a margin. Should a batch still outlive its claim (a stalled
/// process), its records are made under the claim's token and change nothing once another deliverer
/// has claimed the rows; the job logs how many it lost.
/// </remarks>
[DisallowConcurrentExecution]
public sealed partial class OutboxDeliveryJob(
    NotificationOutbox outbox, INotificationSender sender, IClock clock, ILogger<OutboxDeliveryJob> logger, OutboxOptions? options = null) : IJob
{
    public static readonly JobKey Key = new("outbox-delivery", "labsched");

    private readonly OutboxOptions _options = (options ?? new OutboxOptions()).Validate();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <summary>Delivers what is due now; returns how many were delivered (and recorded as such by this run).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        if (await outbox.BuryAbandonedAsync(clock.GetCurrentInstant(), _options.MaxAttempts, cancellationToken) is > 0 and var buried)
        {
            LogBuried(logger, buried, _options.MaxAttempts);
        }

        OutboxClaim claim;
        do
        {
            claim = await outbox.ClaimDueAsync(clock.GetCurrentInstant(), _options.BatchSize, _options.ClaimFor, cancellationToken);
            delivered += await DeliverAsync(claim, cancellationToken);
        }
        while (claim.Items.Count == _options.BatchSize && !cancellationToken.IsCancellationRequested);

        return delivered;
    }

    /// <summary>Sends one claimed batch and records the outcomes under its token; returns how many were recorded delivered.</summary>
    public async Task<int> DeliverAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        // Delivered and skipped notices are recorded a batch at a time (one statement each, not one per
        // notice): a notice sent but not yet recorded when the silo dies is sent again, as at-least-once allows.
        var stale = claim.Items.Where(i => i.Stale).Select(i => i.Id).ToList();
        Lost(claim, stale.Count, await outbox.MarkSkippedAsync(stale, claim.Token, clock.GetCurrentInstant(), cancellationToken));

        var timeout = Duration.FromTimeSpan(_options.DeliveryTimeout);
        var sent = new List<Guid>(claim.Items.Count);
        foreach (var item in claim.Items.Where(i => !i.Stale))
        {
            // Only while the claim holds for one more delivery: past it, another deliverer may have these rows.
            if (clock.GetCurrentInstant() + timeout > claim.Until)
            {
                LogClaimRunningOut(logger, claim.Token, claim.Items.Count - stale.Count - sent.Count);
                break;
            }

            try
            {
                await SendAsync(item, cancellationToken);
                sent.Add(item.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var error = e is OperationCanceledException or TimeoutException ? string.Create(CultureInfo.InvariantCulture, $"no answer within {_options.DeliveryTimeout.TotalSeconds:0.#} s") : e.Message;

                // 1, 2, 4 ... minutes, at most an hour.
                var delay = Duration.FromMinutes(Math.Min(60, 1 << Math.Min(item.Attempts - 1, 6)));
                var now = clock.GetCurrentInstant();
                switch (await outbox.MarkFailedAsync(item.Id, claim.Token, error, now, now + delay, _options.MaxAttempts, cancellationToken))
                {
                    case FailureRecorded.Dead:
                        LogDead(logger, item.Id, item.Attempts, error);
                        break;
                    case FailureRecorded.Retry:
                        LogFailed(logger, item.Id, item.Attempts, error);
                        break;
                    default:
                        Lost(claim, 1, 0);
                        break;
                }
            }
        }

        var recorded = await outbox.MarkDeliveredAsync(sent, claim.Token, sender.Name, clock.GetCurrentInstant(), cancellationToken);
        Lost(claim, sent.Count, recorded);
        return recorded;
    }

    private async Task SendAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        // The timeout holds even for a sender that ignores its token (WaitAsync stops waiting for it).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DeliveryTimeout);
        await sender.SendAsync(item, timeout.Token).WaitAsync(_options.DeliveryTimeout, cancellationToken);
    }

    private void Lost(OutboxClaim claim, int expected, int recorded)
    {
        if (recorded < expected)
        {
            LogClaimLost(logger, claim.Token, expected - recorded, expected);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} not delivered (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger logger, Guid id, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Id} is dead after {Attempts} attempts: {Error}; an administrator may retry it")]
    private static partial void LogDead(ILogger logger, Guid id, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} notifications are dead: their attempt {MaxAttempts} was claimed and never recorded (the deliverer stopped)")]
    private static partial void LogBuried(ILogger logger, int count, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox claim {Token} was taken over: {Lost} of {Count} records not made (another deliverer has those notices now)")]
    private static partial void LogClaimLost(ILogger logger, Guid token, int lost, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox claim {Token} runs out: {Left} notices left unsent for the next claim")]
    private static partial void LogClaimRunningOut(ILogger logger, Guid token, int left);
}
