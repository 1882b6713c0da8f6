namespace LabScheduler.Gateway.Hosting;

/// <summary>
/// The gateway may start before any silo: keep trying to connect (once a second) until the
/// cluster answers or the host stops, logging each miss.
/// </summary>
public sealed partial class RetryUntilConnected(ILogger<RetryUntilConnected> logger) : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogWaiting(logger, exception.Message);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the silo cluster: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
