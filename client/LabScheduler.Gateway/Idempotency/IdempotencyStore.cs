using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Gateway.Idempotency;

/// <summary>A response as first given, to replay for a retry.</summary>
public sealed record StoredResponse(byte[] RequestHash, int Status, string? ContentType, string? Location, byte[] Body);

/// <summary>
/// The gateway's own table of idempotency keys. A claim holds a transaction-scoped advisory
/// lock on (user, key), so concurrent requests with one key run one after the other and the
/// later ones replay what the first stored.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, IClock clock)
{
    /// <summary>How long keys are remembered (the contract promises at least 24 hours).</summary>
    public static readonly Duration Retention = Duration.FromHours(48);

    public async Task<Claim> ClaimAsync(string userId, string key, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@u || E'\\n' || @k, 42))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("u", userId);
            lockCommand.Parameters.AddWithValue("k", key);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        StoredResponse? existing = null;
        await using (var read = new NpgsqlCommand(
            "SELECT request_hash, status, content_type, location, body FROM idempotency_keys WHERE user_id = @u AND key = @k AND created_at > @since",
            connection, transaction))
        {
            read.Parameters.AddWithValue("u", userId);
            read.Parameters.AddWithValue("k", key);
            read.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, (clock.GetCurrentInstant() - Retention).ToDateTimeUtc());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                existing = new StoredResponse(
                    (byte[])reader[0], reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), (byte[])reader[4]);
            }
        }

        return new Claim(connection, transaction, userId, key, existing, clock);
    }

    /// <summary>Deletes keys past the retention; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < @before");
        command.Parameters.AddWithValue("before", NpgsqlDbType.TimestampTz, (clock.GetCurrentInstant() - Retention).ToDateTimeUtc());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One (user, key) held for the length of a request.</summary>
    public sealed class Claim(NpgsqlConnection connection, NpgsqlTransaction transaction, string userId, string key, StoredResponse? existing, IClock clock)
        : IAsyncDisposable
    {
        public StoredResponse? Existing { get; } = existing;

        public async Task SaveAsync(StoredResponse response, CancellationToken cancellationToken)
        {
            await using var save = new NpgsqlCommand("""
                INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, location, body, created_at)
                VALUES (@u, @k, @h, @s, @c, @l, @b, @t)
                ON CONFLICT (user_id, key) DO UPDATE SET request_hash = @h, status = @s, content_type = @c, location = @l, body = @b, created_at = @t
                """, connection, transaction);
            save.Parameters.AddWithValue("u", userId);
            save.Parameters.AddWithValue("k", key);
            save.Parameters.AddWithValue("h", response.RequestHash);
            save.Parameters.AddWithValue("s", response.Status);
            save.Parameters.AddWithValue("c", NpgsqlDbType.Text, (object?)response.ContentType ?? DBNull.Value);
            save.Parameters.AddWithValue("l", NpgsqlDbType.Text, (object?)response.Location ?? DBNull.Value);
            save.Parameters.AddWithValue("b", response.Body);
            save.Parameters.AddWithValue("t", NpgsqlDbType.TimestampTz, clock.GetCurrentInstant().ToDateTimeUtc());
            await save.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
