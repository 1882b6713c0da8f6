using LabScheduler.Contracts.Common;

namespace LabScheduler.Contracts.Notifications;

/// <summary>The notification outbox as administrators see it: what is pending, delivered or dead, and retries. Stateless.</summary>
public interface INotificationsGrain : IGrainWithIntegerKey
{
    /// <summary>Notices in one state, newest first, after a position of a previous page (admins only).</summary>
    Task<CommandResult<IReadOnlyList<NotificationItem>>> ListAsync(Actor actor, NotificationQuery query);

    /// <summary>
    /// Puts a dead notice back to pending, due now with its attempts reset (admins only); a pending one is
    /// answered as it is; <c>notification.delivered</c> for one delivered or skipped, <c>notification.not-found</c>.
    /// </summary>
    Task<CommandResult<NotificationItem>> RetryAsync(Actor actor, Guid id);
}
