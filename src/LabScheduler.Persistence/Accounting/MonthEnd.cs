using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Accounting;

/// <summary>Freezes a month's statements once; running it again writes nothing.</summary>
public sealed class MonthEnd(NpgsqlDataSource dataSource)
{
    /// <summary>Writes the month's totals per team and currency unless frozen already; returns the rows written.</summary>
    public async Task<int> FreezeAsync(LocalDate month, Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO month_statements (month, team_id, currency, amount, minutes, entries, frozen_at)
            SELECT month, team_id, currency, sum(amount), sum(charged_minutes), count(*), @now
            FROM usage_ledger WHERE month = @month
            GROUP BY month, team_id, currency
            ON CONFLICT (month, team_id, currency) DO NOTHING
            """);
        command.Parameters.AddWithValue("month", month.ToDateOnly());
        command.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now.ToDateTimeUtc());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The frozen statement of a month: team, currency, amount.</summary>
    public async Task<IReadOnlyList<TeamTotal>> FrozenAsync(LocalDate month, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT team_id, currency, amount, minutes, entries FROM month_statements WHERE month = @month ORDER BY team_id, currency");
        command.Parameters.AddWithValue("month", month.ToDateOnly());
        var rows = new List<TeamTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TeamTotal(reader.GetString(0), reader.GetString(1).Trim(), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt32(4)));
        }

        return rows;
    }
}
