using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>Reads of the usage ledger (rows are written with booking changes, never here).</summary>
public sealed class LedgerStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Corrects an entry the only way an append-only ledger allows: a reversal (the entry negated) and a
    /// correcting entry, in one transaction. False when the entry is unknown, is itself a reversal, or
    /// was corrected already.
    /// </summary>
    public async Task<LedgerEntry?> CorrectAsync(Guid entryId, int chargedMinutes, Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            WITH original AS (
                SELECT * FROM usage_ledger o
                WHERE o.id = @id AND o.kind <> 'reversal'
                  AND NOT EXISTS (SELECT 1 FROM usage_ledger r WHERE r.reverses = o.id)),
            reversal AS (
                INSERT INTO usage_ledger (id, booking_id, kind, reverses, corrects, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                          booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
                SELECT @reversalId, booking_id, 'reversal', id, NULL, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                       booked_minutes, actual_minutes, -charged_minutes, hourly_rate, -amount, currency, month, @now
                FROM original
                RETURNING id),
            correction AS (
                INSERT INTO usage_ledger (id, booking_id, kind, reverses, corrects, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                          booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
                SELECT @correctionId, booking_id, kind, NULL, id, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                       booked_minutes, actual_minutes, @minutes, hourly_rate, round(hourly_rate * @minutes / 60, 2), currency, month, @now
                FROM original
                WHERE EXISTS (SELECT 1 FROM reversal)
                RETURNING id)
            SELECT count(*) FROM correction
            """);
        command.Parameters.AddWithValue("id", entryId);
        command.Parameters.AddWithValue("reversalId", Guid.CreateVersion7());
        var correctionId = Guid.CreateVersion7();
        command.Parameters.AddWithValue("correctionId", correctionId);
        command.Parameters.AddWithValue("minutes", chargedMinutes);
        command.Parameters.AddWithValue("now", now);
        try
        {
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return null;
            }
        }
        catch (PostgresException e) when (e.SqlState == "23505")
        {
            return null; // corrected at the same moment by someone else
        }

        return (await Query("SELECT {0} FROM usage_ledger WHERE id = @v", correctionId, cancellationToken)).Single();
    }

    /// <summary>One entry by id, or null.</summary>
    public async Task<LedgerEntry?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await Query("SELECT {0} FROM usage_ledger WHERE id = @v", id, cancellationToken)).SingleOrDefault();

    /// <summary>A team's ledger rows of one month, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ForTeamMonthAsync(string teamId, LocalDate month, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(string.Format(null, "SELECT {0} FROM usage_ledger WHERE team_id = @team AND month = @month ORDER BY seq", Columns));
        command.Parameters.AddWithValue("team", teamId);
        command.Parameters.AddWithValue("month", month);
        return await ReadAll(command, cancellationToken);
    }

    private const string Columns = """
        id, booking_id, kind, reverses, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
        booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at, corrects
        """;

    private async Task<IReadOnlyList<LedgerEntry>> Query(string sql, Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(string.Format(null, sql, Columns));
        command.Parameters.AddWithValue("v", id);
        return await ReadAll(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<LedgerEntry>> ReadAll(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<LedgerEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LedgerEntry
            {
                Id = reader.GetGuid(0),
                BookingId = reader.GetGuid(1),
                Kind = reader.GetString(2),
                Reverses = reader.IsDBNull(3) ? null : reader.GetGuid(3),
                TeamId = reader.GetString(4),
                TeamState = reader.GetString(5),
                InstrumentId = reader.GetString(6),
                LabId = reader.GetString(7),
                LabState = reader.GetString(8),
                Tariff = reader.GetString(9),
                BookedMinutes = reader.GetInt32(10),
                ActualMinutes = reader.GetInt32(11),
                ChargedMinutes = reader.GetInt32(12),
                HourlyRate = reader.GetDecimal(13),
                Amount = reader.GetDecimal(14),
                Currency = reader.GetString(15).Trim(),
                Month = reader.GetFieldValue<LocalDate>(16),
                CreatedAt = reader.GetFieldValue<Instant>(17),
                Corrects = reader.IsDBNull(18) ? null : reader.GetGuid(18),
            });
        }

        return rows;
    }
}
