using System.Text.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Audit;

/// <summary>One audit record: who did what to which entity, when, with the details that matter.</summary>
public sealed record AuditRecord(long Seq, Instant At, string Actor, string Entity, string EntityId, string Action, string DetailsJson);

/// <summary>
/// The audit log. Grains append after the change they record has been committed (a failure to
/// append is logged by the caller, never undoes the change); admins read it with filters.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource, IClock clock)
{
    public async Task AppendAsync(string actor, string entity, string entityId, string action, object? details = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_log (at, actor, entity, entity_id, action, details) VALUES (@at, @actor, @entity, @id, @action, @details::jsonb)");
        command.Parameters.AddWithValue("at", clock.GetCurrentInstant());
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("entity", entity);
        command.Parameters.AddWithValue("id", entityId);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("details", JsonSerializer.Serialize(details ?? new { }));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records by sequence after <paramref name="afterSeq"/>, filtered.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(
        string? entity, string? entityId, Instant? from, Instant? to, long? afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT seq, at, actor, entity, entity_id, action, details::text FROM audit_log
            WHERE (@entity IS NULL OR entity = @entity) AND (@entityId IS NULL OR entity_id = @entityId)
              AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND seq > @after
            ORDER BY seq LIMIT @limit
            """);
        command.Parameters.AddWithValue("entity", NpgsqlDbType.Text, (object?)entity ?? DBNull.Value);
        command.Parameters.AddWithValue("entityId", NpgsqlDbType.Text, (object?)entityId ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter<Instant?>("from", from));
        command.Parameters.Add(new NpgsqlParameter<Instant?>("to", to));
        command.Parameters.AddWithValue("after", afterSeq ?? 0);
        command.Parameters.AddWithValue("limit", limit);
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetInt64(0), reader.GetFieldValue<Instant>(1),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return records;
    }
}
