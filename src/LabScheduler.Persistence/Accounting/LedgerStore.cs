using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>Reads of the usage ledger (rows are written with booking changes, never here).</summary>
public sealed class LedgerStore(NpgsqlDataSource dataSource)
{
    /// <summary>A team's ledger rows of one month, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ForTeamMonthAsync(string teamId, LocalDate month, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, booking_id, kind, reverses, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                   booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at
            FROM usage_ledger WHERE team_id = @team AND month = @month ORDER BY created_at, id
            """);
        command.Parameters.AddWithValue("team", teamId);
        command.Parameters.AddWithValue("month", month.ToDateOnly());
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
                Currency = reader.GetString(15),
                Month = LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(16)),
                CreatedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(17), DateTimeKind.Utc)),
            });
        }

        return rows;
    }
}
