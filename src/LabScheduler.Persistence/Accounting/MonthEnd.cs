using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>Freezes a month's statements exactly once; running it again writes nothing, and no later entry changes them.</summary>
public sealed class MonthEnd(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Freezes the month unless it is frozen already: records the freeze and writes the month's totals
    /// per team and currency in one transaction; returns the statement rows written (0 when it was frozen).
    /// </summary>
    /// <remarks>
    /// The SHARE lock on the ledger waits for ledger inserts in flight and holds new ones until the
    /// freeze commits; from then on the ledger's trigger sends rows of this month to the next open one.
    /// A month with no entries is frozen too (with no rows), so an entry arriving later cannot open it.
    /// </remarks>
    public async Task<int> FreezeAsync(LocalDate month, Instant now, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockLedger = new NpgsqlCommand("LOCK TABLE usage_ledger IN SHARE MODE", connection, transaction))
        {
            await lockLedger.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var freeze = new NpgsqlCommand(
            "INSERT INTO month_freezes (month, frozen_at) VALUES (@month, @now) ON CONFLICT (month) DO NOTHING", connection, transaction))
        {
            freeze.Parameters.AddWithValue("month", month);
            freeze.Parameters.AddWithValue("now", now);
            if (await freeze.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return 0;
            }
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO month_statements (month, team_id, currency, amount, minutes, entries, adjustments, frozen_at)
            SELECT statement_month, team_id, currency, sum(amount), sum(charged_minutes), count(*),
                   coalesce(sum(amount) FILTER (WHERE month < statement_month), 0), @now
            FROM usage_ledger WHERE statement_month = @month
            GROUP BY statement_month, team_id, currency
            """, connection, transaction);
        command.Parameters.AddWithValue("month", month);
        command.Parameters.AddWithValue("now", now);
        var written = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>Whether the month's statements are frozen.</summary>
    public async Task<bool> IsFrozenAsync(LocalDate month, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM month_freezes WHERE month = @month)");
        command.Parameters.AddWithValue("month", month);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The frozen statement of a month: team, currency, amount.</summary>
    public async Task<IReadOnlyList<TeamTotal>> FrozenAsync(LocalDate month, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT team_id, currency, amount, minutes, entries, adjustments FROM month_statements WHERE month = @month ORDER BY team_id, currency");
        command.Parameters.AddWithValue("month", month);
        var rows = new List<TeamTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TeamTotal(reader.GetString(0), reader.GetString(1).Trim(), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetDecimal(5)));
        }

        return rows;
    }
}
