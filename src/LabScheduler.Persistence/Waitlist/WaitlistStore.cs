using LabScheduler.Contracts.Waitlist;
using LabScheduler.Persistence.Notifications;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Waitlist;

/// <summary>The waitlist table; the instrument grain is its only writer for its instrument.</summary>
public sealed class WaitlistStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, instrument_id, team_id, user_id, during, status, created_at, updated_at, offer_expires_at, booking_id, version";

    public async Task InsertAsync(WaitlistEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO waitlist (id, instrument_id, team_id, user_id, during, status, created_at, updated_at, version)
            VALUES (@id, @instrument, @team, @user, @during, @status, @created, @created, 1)
            """);
        command.Parameters.AddWithValue("id", entry.Id);
        command.Parameters.AddWithValue("instrument", entry.InstrumentId);
        command.Parameters.AddWithValue("team", entry.TeamId);
        command.Parameters.AddWithValue("user", entry.UserId);
        command.Parameters.AddWithValue("during", entry.Interval);
        command.Parameters.AddWithValue("status", WaitlistEntry.ToWire(entry.Status));
        command.Parameters.AddWithValue("created", entry.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves an entry on if it is still at <paramref name="expectedVersion"/>, writing its notice with it; false when stale.</summary>
    public async Task<bool> UpdateAsync(WaitlistEntry updated, int expectedVersion, Notice? notice, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH written AS (
                UPDATE waitlist SET status = @status, updated_at = @updated, offer_expires_at = @expires, booking_id = @booking, version = version + 1
                WHERE id = @id AND version = @version
                RETURNING id),
            notices AS (
                INSERT INTO notifications (id, user_id, kind, booking_id, payload, created_at, due_at)
                SELECT @noticeId, @noticeUser, @noticeKind, @booking, @noticePayload::jsonb, @updated, @updated
                WHERE @withNotice AND EXISTS (SELECT 1 FROM written))
            SELECT count(*) FROM written
            """);
        var p = command.Parameters;
        p.AddWithValue("id", updated.Id);
        p.AddWithValue("version", expectedVersion);
        p.AddWithValue("status", WaitlistEntry.ToWire(updated.Status));
        p.AddWithValue("updated", updated.UpdatedAt);
        p.Add(new NpgsqlParameter<Instant?>("expires", updated.OfferExpiresAt));
        p.AddWithValue("booking", NpgsqlDbType.Uuid, (object?)updated.BookingId ?? DBNull.Value);
        p.AddWithValue("withNotice", notice is not null);
        p.AddWithValue("noticeId", notice?.Id ?? Guid.Empty);
        p.AddWithValue("noticeUser", notice?.UserId ?? "");
        p.AddWithValue("noticeKind", notice?.Kind ?? "");
        p.AddWithValue("noticePayload", notice?.PayloadJson ?? "{}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>The instrument's entries still in line (waiting or offered), oldest first.</summary>
    public Task<IReadOnlyList<WaitlistEntry>> LoadOpenAsync(string instrumentId, CancellationToken cancellationToken = default) =>
        Query($"SELECT {Columns} FROM waitlist WHERE instrument_id = @v AND status IN ('waiting', 'offered') ORDER BY created_at, id", instrumentId, cancellationToken);

    public async Task<WaitlistEntry?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await Query($"SELECT {Columns} FROM waitlist WHERE id = @v", id, cancellationToken)).FirstOrDefault();

    /// <summary>A page of a user's entries, newest first, after the entry <paramref name="after"/> (keyset: creation, then id).</summary>
    public async Task<IReadOnlyList<WaitlistEntry>> ForUserAsync(
        string userId, (Instant CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM waitlist
            WHERE user_id = @user AND (@afterAt IS NULL OR (created_at, id) < (@afterAt, @afterId))
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("afterAt", NpgsqlTypes.NpgsqlDbType.TimestampTz, after is { } a ? a.CreatedAt : DBNull.Value);
        command.Parameters.AddWithValue("afterId", NpgsqlTypes.NpgsqlDbType.Uuid, after is { } b ? b.Id : DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>Instruments whose waitlist has an offer past its expiry or a waiter whose interval has begun.</summary>
    public async Task<IReadOnlyList<string>> InstrumentsWithDueEntriesAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT instrument_id FROM waitlist
            WHERE (status = 'offered' AND offer_expires_at <= @now) OR (status = 'waiting' AND lower(during) <= @now)
            """);
        command.Parameters.AddWithValue("now", now);
        return await command.ReadStringsAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<WaitlistEntry>> Query(string sql, object value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("v", value);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<WaitlistEntry>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<WaitlistEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new WaitlistEntry
            {
                Id = reader.GetGuid(0),
                InstrumentId = reader.GetString(1),
                TeamId = reader.GetString(2),
                UserId = reader.GetString(3),
                Interval = reader.GetFieldValue<Interval>(4),
                Status = WaitlistEntry.FromWire(reader.GetString(5)) ?? throw new InvalidDataException($"Unknown waitlist status '{reader.GetString(5)}'."),
                CreatedAt = reader.GetFieldValue<Instant>(6),
                UpdatedAt = reader.GetFieldValue<Instant>(7),
                OfferExpiresAt = reader.GetFieldValue<Instant?>(8),
                BookingId = reader.IsDBNull(9) ? null : reader.GetGuid(9),
                Version = reader.GetInt32(10),
            });
        }

        return entries;
    }
}
