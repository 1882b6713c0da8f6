using LabScheduler.Persistence.Idempotency;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Gateway.Idempotency;

/// <summary>A response as first given, to replay for a retry.</summary>
public sealed record StoredResponse(byte[] RequestHash, int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>What a request with an Idempotency-Key should do.</summary>
public enum ClaimOutcome
{
    /// <summary>First use of the key (or its earlier attempt was abandoned): run the request.</summary>
    Started,

    /// <summary>The key's first request finished: answer with its response.</summary>
    Replay,

    /// <summary>The key's first request is still running: try again shortly.</summary>
    InProgress,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,
}

/// <summary>
/// The gateway's side of the idempotency keys table (a booking's key is written with the booking, by
/// its instrument grain: <see cref="IdempotentAttribute.KeyWrittenWithResult"/>). A key is claimed with a pending row that is
/// committed at once (no connection is held while the request runs); the response is stored when
/// the request ends; a request that fails with a 5xx gives its claim up so a retry runs anew.
/// A pending claim is a lease: its holder renews it while the request runs, and a claim not renewed
/// for <see cref="Lease"/> (its gateway died, or could not give the claim up because the database
/// was down at that moment) is taken over by the next request with the key.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, IClock clock)
{
    /// <summary>How long keys are remembered (the contract promises at least 24 hours).</summary>
    public static readonly Duration Retention = IdempotencyKeys.Retention;

    /// <summary>
    /// A pending claim not renewed for this long is taken over. Short, so that a retry after an outage
    /// is not told "in progress" for long; taking over a request that in fact still runs is safe for
    /// the writes that matter, whose ids are derived from the key (<see cref="IdempotentIds"/>).
    /// </summary>
    public static readonly Duration Lease = IdempotencyKeys.Lease;

    /// <summary>How often a running request renews its claim (well inside <see cref="Lease"/>).</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(3);

    private const int Pending = IdempotencyKeys.Pending;

    public async Task<(ClaimOutcome Outcome, StoredResponse? Response)> ClaimAsync(string userId, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();

        // A new key, an expired one, or an abandoned claim: ours now.
        await using (var claim = dataSource.CreateCommand($"""
            INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, body, created_at)
            VALUES (@u, @k, @h, 0, '', @now)
            ON CONFLICT (user_id, key) DO UPDATE SET request_hash = @h, status = 0, content_type = NULL, location = NULL, body = '', created_at = @now, booking_id = NULL
                WHERE {IdempotencyKeys.TakeOverWhere}
            RETURNING 1
            """))
        {
            AddTakeOver(claim.Parameters, userId, key, requestHash, now);
            if (await claim.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return (ClaimOutcome.Started, null);
            }
        }

        var (outcome, stored) = await OutcomeOfRowAsync(userId, key, requestHash, cancellationToken);
        return outcome switch
        {
            null => (ClaimOutcome.InProgress, null), // given up between our two statements: the client retries
            ClaimOutcome.Started => (ClaimOutcome.InProgress, stored), // a booking's row (the new path): answered by the booking's endpoint
            _ => (outcome.Value, stored),
        };
    }

    /// <summary>
    /// Keeps the first answer of a request whose key was not taken before it ran (a booking's refusal:
    /// a booking itself writes its key's row). False when the key turned out to be taken meanwhile.
    /// </summary>
    public async Task<bool> KeepFirstAsync(string userId, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var keep = dataSource.CreateCommand($"""
            INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, content_type, location, body, created_at)
            VALUES (@u, @k, @h, @s, @c, @l, @b, @now)
            ON CONFLICT (user_id, key) DO UPDATE SET request_hash = @h, status = @s, content_type = @c, location = @l, body = @b, created_at = @now, booking_id = NULL
                WHERE {IdempotencyKeys.TakeOverWhere}
            RETURNING 1
            """);
        AddTakeOver(keep.Parameters, userId, key, response.RequestHash, clock.GetCurrentInstant());
        keep.Parameters.AddWithValue("s", response.Status);
        keep.Parameters.AddWithValue("c", NpgsqlDbType.Text, (object?)response.ContentType ?? DBNull.Value);
        keep.Parameters.AddWithValue("l", NpgsqlDbType.Text, (object?)response.Location ?? DBNull.Value);
        keep.Parameters.AddWithValue("b", response.Body);
        return await keep.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// What a request with this key should do by the key's row as it is now; null without a row.
    /// <see cref="ClaimOutcome.Started"/> stands for a row written with a booking (no response body kept):
    /// the request is to be run again, and finds its booking by the id derived from the key.
    /// </summary>
    public async Task<(ClaimOutcome? Outcome, StoredResponse? Response)> OutcomeOfRowAsync(string userId, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var read = dataSource.CreateCommand(
            "SELECT request_hash, status, content_type, location, body, booking_id IS NOT NULL FROM idempotency_keys WHERE user_id = @u AND key = @k");
        read.Parameters.AddWithValue("u", userId);
        read.Parameters.AddWithValue("k", key);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, null);
        }

        var stored = new StoredResponse(
            (byte[])reader[0], reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), (byte[])reader[4]);
        return !stored.RequestHash.AsSpan().SequenceEqual(requestHash) ? (ClaimOutcome.Mismatch, stored)
            : stored.Status == Pending ? (ClaimOutcome.InProgress, stored)
            : reader.GetBoolean(5) ? (ClaimOutcome.Started, stored)
            : (ClaimOutcome.Replay, stored);
    }

    private static void AddTakeOver(NpgsqlParameterCollection p, string userId, string key, byte[] requestHash, Instant now)
    {
        var (expired, abandoned) = IdempotencyKeys.Thresholds(now);
        p.AddWithValue("u", userId);
        p.AddWithValue("k", key);
        p.AddWithValue("h", requestHash);
        p.AddWithValue("now", now);
        p.AddWithValue("keyExpired", expired);
        p.AddWithValue("keyAbandoned", abandoned);
    }

    /// <summary>Renews a pending claim of ours (the request is still running).</summary>
    public async Task RenewAsync(string userId, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var renew = dataSource.CreateCommand(
            "UPDATE idempotency_keys SET created_at = @now WHERE user_id = @u AND key = @k AND status = 0 AND request_hash = @h");
        renew.Parameters.AddWithValue("u", userId);
        renew.Parameters.AddWithValue("k", key);
        renew.Parameters.AddWithValue("h", requestHash);
        renew.Parameters.AddWithValue("now", clock.GetCurrentInstant());
        await renew.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stores the response of a claimed key.</summary>
    public async Task CompleteAsync(string userId, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var save = dataSource.CreateCommand(
            "UPDATE idempotency_keys SET status = @s, content_type = @c, location = @l, body = @b WHERE user_id = @u AND key = @k AND status = 0");
        save.Parameters.AddWithValue("u", userId);
        save.Parameters.AddWithValue("k", key);
        save.Parameters.AddWithValue("s", response.Status);
        save.Parameters.AddWithValue("c", NpgsqlDbType.Text, (object?)response.ContentType ?? DBNull.Value);
        save.Parameters.AddWithValue("l", NpgsqlDbType.Text, (object?)response.Location ?? DBNull.Value);
        save.Parameters.AddWithValue("b", response.Body);
        await save.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Gives a claim up (the request failed on our side): a retry with the key runs anew.</summary>
    public async Task AbandonAsync(string userId, string key, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE user_id = @u AND key = @k AND status = 0");
        delete.Parameters.AddWithValue("u", userId);
        delete.Parameters.AddWithValue("k", key);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes keys past the retention; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < @before");
        command.Parameters.AddWithValue("before", clock.GetCurrentInstant() - Retention);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
