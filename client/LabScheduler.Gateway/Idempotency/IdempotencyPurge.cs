namespace LabScheduler.Gateway.Idempotency;

/// <summary>Deletes idempotency keys past their retention once an hour.</summary>
public sealed partial class IdempotencyPurge(IdempotencyStore store, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                LogPurged(logger, await store.PurgeAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Count} idempotency keys")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging idempotency keys failed; will try again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
