using LabScheduler.Contracts.Notifications;
using LabScheduler.Persistence.Bookings;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Notifications;

/// <summary>A due notification claimed for delivery.</summary>
public sealed record OutboxItem(Guid Id, string UserId, string Kind, Guid? BookingId, string PayloadJson, int Attempts, bool Stale);

/// <summary>
/// Rows claimed together: until <paramref name="Until"/> no other deliverer claims them, and only a
/// record made with <paramref name="Token"/> changes them (a claim taken over after expiry carries another).
/// </summary>
public sealed record OutboxClaim(Guid Token, Instant Until, IReadOnlyList<OutboxItem> Items);

/// <summary>What recording a failure did: nothing (the claim is no longer ours), a later retry, or a dead letter.</summary>
public enum FailureRecorded
{
    ClaimLost,
    Retry,
    Dead,
}

/// <summary>
/// The outbox side of notifications: claim due rows (several deliverers never claim the same
/// row at once), then record each as delivered, skipped or failed for a later retry, or dead after
/// its last allowed attempt. Records are made only under the claim's token, so a deliverer whose
/// claim expired and was taken over changes nothing. A crash after sending and before recording
/// sends again: delivery is at least once.
/// </summary>
public sealed class NotificationOutbox(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, user_id, kind, booking_id, attempts, last_error, created_at, due_at, dead_at, delivered_at, delivered_by";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due, undelivered, not dead rows for <paramref name="claimFor"/>, under a new token.
    /// A reminder whose booking no longer holds time comes back marked <see cref="OutboxItem.Stale"/>.
    /// </summary>
    public async Task<OutboxClaim> ClaimDueAsync(Instant now, int limit, Duration claimFor, CancellationToken cancellationToken = default)
    {
        var token = Guid.NewGuid();
        await using var command = dataSource.CreateCommand($"""
            WITH due AS (
                SELECT id FROM notifications
                WHERE delivered_at IS NULL AND dead_at IS NULL AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                ORDER BY due_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE notifications n SET claimed_until = @until, claim_token = @token, attempts = n.attempts + 1
            FROM due WHERE n.id = due.id
            RETURNING n.id, n.user_id, n.kind, n.booking_id, n.payload::text, n.attempts,
                      n.kind = 'booking.reminder' AND NOT EXISTS (
                          SELECT 1 FROM bookings b WHERE b.id = n.booking_id AND b.status IN ({BookingSql.HoldsTime}))
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + claimFor);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("token", token);
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new OutboxItem(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetBoolean(6)));
        }

        return new OutboxClaim(token, now + claimFor, items);
    }

    /// <summary>
    /// Records that these notices were delivered, in one statement (a batch's worth at a time), on the rows
    /// still claimed with <paramref name="token"/>; returns how many those were.
    /// </summary>
    public Task<int> MarkDeliveredAsync(IReadOnlyList<Guid> ids, Guid token, string sender, Instant now, CancellationToken cancellationToken = default) =>
        ids.Count == 0 ? Task.FromResult(0)
            : Execute("""
                UPDATE notifications SET delivered_at = @now, delivered_by = @by, claimed_until = NULL, claim_token = NULL, last_error = NULL
                WHERE id = ANY(@ids) AND claim_token = @token
                """, cancellationToken, ("ids", ids.ToArray()), ("token", token), ("by", sender), ("now", now));

    /// <summary>Records notices that no longer need sending (reminders of cancelled bookings), in one statement, under the claim's token.</summary>
    public Task<int> MarkSkippedAsync(IReadOnlyList<Guid> ids, Guid token, Instant now, CancellationToken cancellationToken = default) =>
        ids.Count == 0 ? Task.FromResult(0)
            : Execute("""
                UPDATE notifications SET delivered_at = @now, delivered_by = 'skipped', skipped = true, claimed_until = NULL, claim_token = NULL
                WHERE id = ANY(@ids) AND claim_token = @token
                """, cancellationToken, ("ids", ids.ToArray()), ("token", token), ("now", now));

    /// <summary>
    /// Records a failed attempt under the claim's token: due again at <paramref name="retryAt"/>, or dead when this was
    /// attempt <paramref name="maxAttempts"/> (or later). A dead row's claimed_until is 'infinity', which keeps a silo of
    /// the version before dead letters from claiming it (migration 0034).
    /// </summary>
    public async Task<FailureRecorded> MarkFailedAsync(
        Guid id, Guid token, string error, Instant now, Instant retryAt, int maxAttempts, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE notifications SET last_error = @error, claim_token = NULL,
                dead_at       = CASE WHEN attempts >= @max THEN @now END,
                claimed_until = CASE WHEN attempts >= @max THEN 'infinity'::timestamptz END,
                due_at        = CASE WHEN attempts >= @max THEN due_at ELSE @retry END
            WHERE id = @id AND claim_token = @token
            RETURNING dead_at IS NOT NULL
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("token", token);
        command.Parameters.AddWithValue("error", error.Length > 2000 ? error[..2000] : error);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("retry", retryAt);
        command.Parameters.AddWithValue("max", maxAttempts);
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            true => FailureRecorded.Dead,
            false => FailureRecorded.Retry,
            _ => FailureRecorded.ClaimLost,
        };
    }

    /// <summary>
    /// Makes dead the notices whose last allowed attempt was claimed and never recorded (its claim ran out: the
    /// deliverer died, perhaps of this very notice), so that a notice that stops its deliverers is not tried forever
    /// either. Returns how many.
    /// </summary>
    public Task<int> BuryAbandonedAsync(Instant now, int maxAttempts, CancellationToken cancellationToken = default) =>
        Execute("""
            UPDATE notifications
            SET dead_at = @now, claimed_until = 'infinity'::timestamptz, claim_token = NULL,
                last_error = coalesce(last_error || '; ', '') || 'attempt ' || attempts || ' was never recorded (its claim ran out)'
            WHERE delivered_at IS NULL AND dead_at IS NULL AND attempts >= @max AND claimed_until < @now
            """, cancellationToken, ("now", now), ("max", maxAttempts));

    /// <summary>Notices in one state (<see cref="NotificationStates"/>), newest first, older than the query's position.</summary>
    public async Task<IReadOnlyList<NotificationItem>> ListAsync(NotificationQuery query, CancellationToken cancellationToken = default)
    {
        var state = query.State switch
        {
            NotificationStates.Dead => "dead_at IS NOT NULL AND delivered_at IS NULL",
            NotificationStates.Delivered => "delivered_at IS NOT NULL",
            NotificationStates.Pending => "dead_at IS NULL AND delivered_at IS NULL",
            _ => throw new ArgumentException($"Unknown state '{query.State}'.", nameof(query)),
        };
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM notifications
            WHERE {state} AND (@before_at::timestamptz IS NULL OR (created_at, id) < (@before_at, @before_id))
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("before_at", NpgsqlDbType.TimestampTz) { Value = (object?)query.BeforeCreatedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("before_id", NpgsqlDbType.Uuid) { Value = (object?)query.BeforeId ?? Guid.Empty });
        command.Parameters.AddWithValue("limit", query.Limit);
        return await ReadItemsAsync(command, cancellationToken);
    }

    /// <summary>One notice, or null.</summary>
    public async Task<NotificationItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM notifications WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadItemsAsync(command, cancellationToken)) is [var item] ? item : null;
    }

    /// <summary>
    /// Puts a dead notice back to pending: due at <paramref name="now"/>, attempts reset, unclaimed (its last error kept
    /// until the next attempt). Returns it as it is now, or null if it is not dead (or does not exist).
    /// </summary>
    public async Task<NotificationItem?> RetryDeadAsync(Guid id, Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE notifications SET dead_at = NULL, attempts = 0, due_at = @now, claimed_until = NULL, claim_token = NULL
            WHERE id = @id AND dead_at IS NOT NULL AND delivered_at IS NULL
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", now);
        return (await ReadItemsAsync(command, cancellationToken)) is [var item] ? item : null;
    }

    private static async Task<IReadOnlyList<NotificationItem>> ReadItemsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<NotificationItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var deadAt = reader.IsDBNull(8) ? (Instant?)null : reader.GetFieldValue<Instant>(8);
            var deliveredAt = reader.IsDBNull(9) ? (Instant?)null : reader.GetFieldValue<Instant>(9);
            items.Add(new NotificationItem
            {
                Id = reader.GetGuid(0),
                Recipient = reader.GetString(1),
                Kind = reader.GetString(2),
                BookingId = reader.IsDBNull(3) ? null : reader.GetGuid(3),
                Attempts = reader.GetInt32(4),
                LastError = reader.IsDBNull(5) ? null : reader.GetString(5),
                CreatedAt = reader.GetFieldValue<Instant>(6),
                DueAt = reader.GetFieldValue<Instant>(7),
                DeadAt = deadAt,
                DeliveredAt = deliveredAt,
                DeliveredBy = reader.IsDBNull(10) ? null : reader.GetString(10),
                State = deliveredAt is not null ? NotificationStates.Delivered : deadAt is not null ? NotificationStates.Dead : NotificationStates.Pending,
            });
        }

        return items;
    }

    private async Task<int> Execute(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
