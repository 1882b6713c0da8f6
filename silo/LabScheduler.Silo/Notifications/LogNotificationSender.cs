using LabScheduler.Persistence.Notifications;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Silo.Notifications;

/// <summary>The default sender: writes each notification to the silo's log.</summary>
public sealed partial class LogNotificationSender(ILogger<LogNotificationSender> logger) : INotificationSender
{
    public string Name => "log";

    public Task SendAsync(OutboxItem notification, CancellationToken cancellationToken)
    {
        LogNotice(logger, notification.Kind, notification.UserId, notification.PayloadJson);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notify {UserId}: {Kind} {Payload}")]
    private static partial void LogNotice(ILogger logger, string kind, string userId, string payload);
}
