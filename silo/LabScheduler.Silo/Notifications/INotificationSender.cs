using LabScheduler.Persistence.Notifications;

namespace LabScheduler.Silo.Notifications;

/// <summary>Delivers one notification somewhere (a log, a webhook, e-mail). Throwing means "try again later".</summary>
public interface INotificationSender
{
    /// <summary>Recorded with each delivery.</summary>
    string Name { get; }

    Task SendAsync(OutboxItem notification, CancellationToken cancellationToken);
}
