using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Notifications;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Notifications;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Notifications;

/// <inheritdoc cref="INotificationsGrain"/>
[StatelessWorker]
public sealed class NotificationsGrain(NotificationOutbox outbox, IClock clock) : Grain, INotificationsGrain
{
    async Task<CommandResult<IReadOnlyList<NotificationItem>>> INotificationsGrain.ListAsync(Actor actor, NotificationQuery query)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("read the notification outbox");
        }

        if (!NotificationStates.IsKnown(query.State))
        {
            return new Problem(ErrorCodes.Validation, "state must be pending, delivered or dead.");
        }

        return CommandResult<IReadOnlyList<NotificationItem>>.Ok(await outbox.ListAsync(query));
    }

    async Task<CommandResult<NotificationItem>> INotificationsGrain.RetryAsync(Actor actor, Guid id)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("retry a notification");
        }

        if (await outbox.RetryDeadAsync(id, clock.GetCurrentInstant()) is { } retried)
        {
            return CommandResult<NotificationItem>.Ok(retried);
        }

        return await outbox.GetAsync(id) switch
        {
            null => new Problem(ErrorCodes.NotificationNotFound, $"There is no notification '{id}'."),
            { State: NotificationStates.Delivered } delivered => new Problem(
                ErrorCodes.NotificationDelivered,
                $"Notification '{id}' was {(delivered.DeliveredBy == "skipped" ? "skipped" : "delivered")} at {delivered.DeliveredAt}; there is nothing to retry."),
            // Pending (waiting for its next attempt, or being sent): nothing to put back.
            var pending => CommandResult<NotificationItem>.Ok(pending),
        };
    }
}
