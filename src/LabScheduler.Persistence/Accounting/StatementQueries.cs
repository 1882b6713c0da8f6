using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>
/// Totals of a month's statement by team and currency; <paramref name="Adjustments"/> is the part of
/// <paramref name="Amount"/> from entries of earlier months that arrived after those months froze.
/// </summary>
public sealed record TeamTotal(string TeamId, string Currency, decimal Amount, long Minutes, int Entries, decimal Adjustments);

/// <summary>Who used whose instruments: the team's country, the lab's country, and what it came to.</summary>
public sealed record SettlementLine(string TeamState, string LabState, string Currency, decimal Amount, long Minutes);

/// <summary>
/// Month statements and the settlement between member states, summed from the ledger in PostgreSQL
/// by statement month: a month's own entries while it was open, plus late entries of frozen months.
/// </summary>
public sealed class StatementQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Per team and currency; only rows of <paramref name="labIds"/> unless null (all labs).</summary>
    public async Task<IReadOnlyList<TeamTotal>> TeamTotalsAsync(LocalDate month, IReadOnlyList<string>? labIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT team_id, currency, sum(amount), sum(charged_minutes), count(*)::int,
                   coalesce(sum(amount) FILTER (WHERE month < statement_month), 0) FROM usage_ledger
            WHERE statement_month = @month AND (@all OR lab_id = ANY(@labs))
            GROUP BY team_id, currency ORDER BY team_id, currency
            """);
        Bind(command, month, labIds);
        var rows = new List<TeamTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TeamTotal(reader.GetString(0), reader.GetString(1).Trim(), reader.GetDecimal(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetDecimal(5)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<SettlementLine>> SettlementAsync(LocalDate month, IReadOnlyList<string>? labIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT team_state, lab_state, currency, sum(amount), sum(charged_minutes) FROM usage_ledger
            WHERE statement_month = @month AND (@all OR lab_id = ANY(@labs))
            GROUP BY team_state, lab_state, currency ORDER BY team_state, lab_state, currency
            """);
        Bind(command, month, labIds);
        var rows = new List<SettlementLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SettlementLine(reader.GetString(0), reader.GetString(1), reader.GetString(2).Trim(), reader.GetDecimal(3), reader.GetInt64(4)));
        }

        return rows;
    }

    private static void Bind(NpgsqlCommand command, LocalDate month, IReadOnlyList<string>? labIds)
    {
        command.Parameters.AddWithValue("month", month);
        command.Parameters.AddWithValue("all", labIds is null);
        command.Parameters.AddWithValue("labs", (labIds ?? []).ToArray());
    }
}
