using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Persistence.Audit;
using LabScheduler.Persistence.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Instruments;

/// <summary>
/// An instrument's own storage: its row (which is also its catalog entry), blackouts, training
/// sign-offs and the team quotas on it. The instrument grain is the only writer; every write is one
/// statement that also appends its audit record, so a change and its record commit together.
/// </summary>
public sealed class InstrumentStore(NpgsqlDataSource dataSource, IClock clock)
{
    private const string AuditCte = """
        audited AS (
            INSERT INTO audit_log (at, actor, entity, entity_id, action, details)
            SELECT @auditAt, @auditActor, @auditEntity, @auditEntityId, @auditAction, @auditDetails::jsonb
            WHERE @auditActor IS NOT NULL AND EXISTS (SELECT 1 FROM written))
        """;

    internal const string RowColumns = "definition::text, lab_id, time_zone, member_state, partner_states, status, opening_hours::text, version";

    /// <summary>The instrument's row, or null when there is no such instrument.</summary>
    public async Task<InstrumentRow?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RowColumns} FROM instruments WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader, 0) : null;
    }

    /// <summary>Stores a new instrument (version 1); false when one with that id exists.</summary>
    public async Task<bool> InsertAsync(InstrumentRow row, AuditEntry? audit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH written AS (
                INSERT INTO instruments (id, lab_id, member_state, partner_states, time_zone, category, status, definition, opening_hours, version)
                VALUES (@id, @lab, @state, @partners, @zone, @category, @status, @definition::jsonb, @hours::jsonb, 1)
                ON CONFLICT (id) DO NOTHING
                RETURNING 1),
            {AuditCte}
            SELECT count(*) FROM written
            """);
        AddRow(command, row);
        AddAudit(command, audit);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>
    /// Replaces the row of version <c>row.Version - 1</c> with <paramref name="row"/>; false when the
    /// stored row is not that version (another activation wrote since this one read it).
    /// </summary>
    public async Task<bool> UpdateAsync(InstrumentRow row, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH written AS (
                UPDATE instruments SET lab_id = @lab, member_state = @state, partner_states = @partners, time_zone = @zone,
                    category = @category, status = @status, definition = @definition::jsonb, opening_hours = @hours::jsonb,
                    version = @version + 1, updated_at = now()
                WHERE id = @id AND version = @version
                RETURNING 1),
            {AuditCte}
            SELECT count(*) FROM written
            """);
        AddRow(command, row with { Version = row.Version - 1 });
        AddAudit(command, audit);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>The instrument's blackouts that overlap <paramref name="over"/>, by start.</summary>
    public async Task<IReadOnlyList<Blackout>> BlackoutsAsync(string instrumentId, Interval over, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, during, reason FROM instrument_blackouts
            WHERE instrument_id = @id AND during && @over
            ORDER BY lower(during), id
            """);
        command.Parameters.AddWithValue("id", instrumentId);
        command.Parameters.AddWithValue("over", over);
        var blackouts = new List<Blackout>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            blackouts.Add(new Blackout(reader.GetGuid(0), reader.GetFieldValue<Interval>(1), reader.GetString(2)));
        }

        return blackouts;
    }

    /// <summary>One blackout of the instrument by id, whenever it was.</summary>
    public async Task<Blackout?> FindBlackoutAsync(string instrumentId, Guid blackoutId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, during, reason FROM instrument_blackouts WHERE id = @blackout AND instrument_id = @id");
        command.Parameters.AddWithValue("id", instrumentId);
        command.Parameters.AddWithValue("blackout", blackoutId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Blackout(reader.GetGuid(0), reader.GetFieldValue<Interval>(1), reader.GetString(2))
            : null;
    }

    /// <summary>Stores a blackout; false when one with its id exists.</summary>
    public async Task<bool> InsertBlackoutAsync(string instrumentId, Blackout blackout, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH written AS (
                INSERT INTO instrument_blackouts (id, instrument_id, during, reason) VALUES (@blackout, @id, @during, @reason)
                ON CONFLICT (id) DO NOTHING
                RETURNING 1),
            {AuditCte}
            SELECT count(*) FROM written
            """);
        command.Parameters.AddWithValue("id", instrumentId);
        command.Parameters.AddWithValue("blackout", blackout.Id);
        command.Parameters.AddWithValue("during", blackout.Interval);
        command.Parameters.AddWithValue("reason", blackout.Reason);
        AddAudit(command, audit);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>The users with a training sign-off on the instrument.</summary>
    public async Task<IReadOnlyList<string>> AuthorizedUsersAsync(string instrumentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT user_id FROM instrument_authorizations WHERE instrument_id = @id ORDER BY user_id");
        command.Parameters.AddWithValue("id", instrumentId);
        var users = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(reader.GetString(0));
        }

        return users;
    }

    /// <summary>Grants or revokes a user's sign-off (idempotent: the audit record is written either way).</summary>
    public async Task SetAuthorizationAsync(string instrumentId, string userId, bool authorized, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        var change = authorized
            ? "INSERT INTO instrument_authorizations (instrument_id, user_id) VALUES (@id, @user) ON CONFLICT DO NOTHING"
            : "DELETE FROM instrument_authorizations WHERE instrument_id = @id AND user_id = @user";
        await using var command = dataSource.CreateCommand($"""
            WITH changed AS ({change} RETURNING 1),
            written AS (SELECT 1),
            {AuditCte}
            SELECT count(*) FROM changed
            """);
        command.Parameters.AddWithValue("id", instrumentId);
        command.Parameters.AddWithValue("user", userId);
        AddAudit(command, audit);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The monthly quotas of minutes on the instrument, by team.</summary>
    public Task<IReadOnlyDictionary<string, int>> QuotasOnAsync(string instrumentId, CancellationToken cancellationToken = default) =>
        QuotasAsync("SELECT team_id, minutes_per_month FROM team_quotas WHERE instrument_id = @id", instrumentId, cancellationToken);

    /// <summary>A team's monthly quotas of minutes, by instrument.</summary>
    public Task<IReadOnlyDictionary<string, int>> QuotasOfTeamAsync(string teamId, CancellationToken cancellationToken = default) =>
        QuotasAsync("SELECT instrument_id, minutes_per_month FROM team_quotas WHERE team_id = @id", teamId, cancellationToken);

    /// <summary>Sets a team's monthly quota on the instrument.</summary>
    public async Task SetQuotaAsync(string instrumentId, string teamId, int minutesPerMonth, AuditEntry audit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH written AS (
                INSERT INTO team_quotas (team_id, instrument_id, minutes_per_month) VALUES (@team, @id, @minutes)
                ON CONFLICT (team_id, instrument_id) DO UPDATE SET minutes_per_month = excluded.minutes_per_month
                RETURNING 1),
            {AuditCte}
            SELECT count(*) FROM written
            """);
        command.Parameters.AddWithValue("id", instrumentId);
        command.Parameters.AddWithValue("team", teamId);
        command.Parameters.AddWithValue("minutes", minutesPerMonth);
        AddAudit(command, audit);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Reads a row from <paramref name="first"/> on, in the order of <see cref="RowColumns"/>.</summary>
    internal static InstrumentRow ReadRow(NpgsqlDataReader reader, int first) => new()
    {
        Definition = StoredJson.Deserialize<InstrumentDefinition>(reader.GetString(first)),
        LabId = reader.GetString(first + 1),
        TimeZone = reader.GetString(first + 2),
        MemberState = reader.GetString(first + 3),
        PartnerStates = reader.GetFieldValue<string[]>(first + 4),
        Status = StatusOf(reader.GetString(first + 5)),
        OpeningHours = StoredJson.Deserialize<OpeningHours>(reader.GetString(first + 6)),
        Version = reader.GetInt32(first + 7),
    };

    internal static string WireStatus(InstrumentStatus status) => status switch
    {
        InstrumentStatus.Active => "active",
        InstrumentStatus.Maintenance => "maintenance",
        _ => "retired",
    };

    private static InstrumentStatus StatusOf(string text) => text switch
    {
        "active" => InstrumentStatus.Active,
        "maintenance" => InstrumentStatus.Maintenance,
        _ => InstrumentStatus.Retired,
    };

    private async Task<IReadOnlyDictionary<string, int>> QuotasAsync(string sql, string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        var quotas = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            quotas[reader.GetString(0)] = reader.GetInt32(1);
        }

        return quotas;
    }

    private static void AddRow(NpgsqlCommand command, InstrumentRow row)
    {
        command.Parameters.AddWithValue("id", row.Id);
        command.Parameters.AddWithValue("lab", row.LabId);
        command.Parameters.AddWithValue("state", row.MemberState);
        command.Parameters.AddWithValue("partners", row.PartnerStates.ToArray());
        command.Parameters.AddWithValue("zone", row.TimeZone);
        command.Parameters.AddWithValue("category", row.Definition.Category);
        command.Parameters.AddWithValue("status", WireStatus(row.Status));
        command.Parameters.AddWithValue("definition", StoredJson.Serialize(row.Definition));
        command.Parameters.AddWithValue("hours", StoredJson.Serialize(row.OpeningHours));
        command.Parameters.AddWithValue("version", row.Version);
    }

    // No audit entry: the statement writes none (the audit CTE selects nothing when the actor is null).
    private void AddAudit(NpgsqlCommand command, AuditEntry? audit)
    {
        if (audit is null)
        {
            command.Parameters.AddWithValue("auditAt", NpgsqlDbType.TimestampTz, DBNull.Value);
            foreach (var name in new[] { "auditActor", "auditEntity", "auditEntityId", "auditAction", "auditDetails" })
            {
                command.Parameters.AddWithValue(name, NpgsqlDbType.Text, DBNull.Value);
            }

            return;
        }

        command.Parameters.AddWithValue("auditAt", NpgsqlDbType.TimestampTz, clock.GetCurrentInstant());
        command.Parameters.AddWithValue("auditActor", audit.Actor);
        command.Parameters.AddWithValue("auditEntity", audit.Entity);
        command.Parameters.AddWithValue("auditEntityId", audit.EntityId);
        command.Parameters.AddWithValue("auditAction", audit.Action);
        command.Parameters.AddWithValue("auditDetails", audit.DetailsJson);
    }
}
