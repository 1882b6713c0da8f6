using LabScheduler.Persistence.Bookings;
using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Notifications;

/// <summary>A due notification claimed for delivery.</summary>
public sealed record OutboxItem(Guid Id, string UserId, string Kind, Guid? BookingId, string PayloadJson, int Attempts, bool Stale);

/// <summary>
/// The outbox side of notifications: claim due rows (several deliverers never claim the same
/// row at once), then record each as delivered, skipped or failed for a later retry. A crash
/// after sending and before recording sends again: delivery is at least once.
/// </summary>
public sealed class NotificationOutbox(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due, undelivered rows for <paramref name="claimFor"/>.
    /// A reminder whose booking no longer holds time comes back marked <see cref="OutboxItem.Stale"/>.
    /// </summary>
    public async Task<IReadOnlyList<OutboxItem>> ClaimDueAsync(Instant now, int limit, Duration claimFor, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT id FROM notifications
                WHERE delivered_at IS NULL AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                ORDER BY due_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE notifications n SET claimed_until = @until, attempts = n.attempts + 1
            FROM due WHERE n.id = due.id
            RETURNING n.id, n.user_id, n.kind, n.booking_id, n.payload::text, n.attempts,
                      n.kind = 'booking.reminder' AND NOT EXISTS (
                          SELECT 1 FROM bookings b WHERE b.id = n.booking_id AND b.status IN ({BookingSql.HoldsTime}))
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + claimFor);
        command.Parameters.AddWithValue("limit", limit);
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new OutboxItem(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetBoolean(6)));
        }

        return items;
    }

    public Task MarkDeliveredAsync(Guid id, string sender, Instant now, CancellationToken cancellationToken = default) =>
        MarkDeliveredAsync([id], sender, now, cancellationToken);

    /// <summary>Records that these notices were delivered, in one statement (a batch's worth at a time).</summary>
    public Task MarkDeliveredAsync(IReadOnlyList<Guid> ids, string sender, Instant now, CancellationToken cancellationToken = default) =>
        ids.Count == 0 ? Task.CompletedTask
            : Execute("UPDATE notifications SET delivered_at = @now, delivered_by = @by, claimed_until = NULL, last_error = NULL WHERE id = ANY(@ids)",
                cancellationToken, ("ids", ids.ToArray()), ("by", sender), ("now", now));

    /// <summary>Records notices that no longer need sending (reminders of cancelled bookings), in one statement.</summary>
    public Task MarkSkippedAsync(IReadOnlyList<Guid> ids, Instant now, CancellationToken cancellationToken = default) =>
        ids.Count == 0 ? Task.CompletedTask
            : Execute("UPDATE notifications SET delivered_at = @now, delivered_by = 'skipped', skipped = true, claimed_until = NULL WHERE id = ANY(@ids)",
                cancellationToken, ("ids", ids.ToArray()), ("now", now));

    public Task MarkFailedAsync(Guid id, string error, Instant retryAt, CancellationToken cancellationToken = default) =>
        Execute("UPDATE notifications SET last_error = @error, due_at = @retry, claimed_until = NULL WHERE id = @id",
            cancellationToken, ("id", id), ("error", error.Length > 2000 ? error[..2000] : error), ("retry", retryAt));

    private async Task Execute(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
