using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>
/// Daily utilization roll-ups per instrument, team and lab-local day. Days are handed in as
/// instants (the caller maps lab-local dates with NodaTime, never PostgreSQL's time zones);
/// rolling a day up again writes the same numbers, so the job is idempotent.
/// </summary>
public sealed class Rollups(NpgsqlDataSource dataSource)
{
    /// <summary>The first day not yet rolled up, per instrument (absent: never rolled up).</summary>
    public async Task<IReadOnlyDictionary<string, LocalDate>> ProgressAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT instrument_id, until_day FROM utilization_rollup_progress");
        var result = new Dictionary<string, LocalDate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetFieldValue<LocalDate>(1);
        }

        return result;
    }

    /// <summary>The earliest booking start per instrument, for instruments never rolled up.</summary>
    public async Task<IReadOnlyDictionary<string, Instant>> FirstBookingsAsync(IReadOnlyList<string> instrumentIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT instrument_id, min(lower(during)) FROM bookings WHERE instrument_id = ANY(@ids) GROUP BY instrument_id");
        command.Parameters.AddWithValue("ids", instrumentIds.ToArray());
        var result = new Dictionary<string, Instant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetFieldValue<Instant>(1);
        }

        return result;
    }

    /// <summary>Time marked dirty by booking changes on days already rolled up (the bookings table's trigger writes it).</summary>
    public async Task<IReadOnlyList<(long Id, string InstrumentId, Interval During)>> DirtyAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, instrument_id, during FROM utilization_dirty ORDER BY id LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        var result = new List<(long, string, Interval)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<Interval>(2)));
        }

        return result;
    }

    /// <summary>
    /// Rolls up the given instrument-days and moves each instrument's progress to <paramref name="until"/>;
    /// in the same transaction, removes the dirty marks <paramref name="consumed"/> whose days these are.
    /// </summary>
    public async Task<int> RollUpAsync(
        IReadOnlyList<(string InstrumentId, LocalDate Day, Interval Span)> days, IReadOnlyDictionary<string, LocalDate> until,
        IReadOnlyList<long>? consumed = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = 0;
        if (days.Count > 0)
        {
            await using var command = new NpgsqlCommand($"""
                WITH scope AS (
                    SELECT * FROM unnest(@ids, @days, @starts, @ends) AS s(instrument_id, day, w_start, w_end))
                INSERT INTO utilization_daily (instrument_id, team_id, day, booked_minutes, used_minutes, no_shows, cancellations, bookings)
                SELECT b.instrument_id, b.team_id, s.day, {UtilizationQuery.Aggregates}
                GROUP BY b.instrument_id, b.team_id, s.day
                ON CONFLICT (instrument_id, day, team_id) DO UPDATE SET
                    booked_minutes = excluded.booked_minutes, used_minutes = excluded.used_minutes,
                    no_shows = excluded.no_shows, cancellations = excluded.cancellations, bookings = excluded.bookings
                """, connection, transaction);
            command.CommandTimeout = 0;
            command.Parameters.AddWithValue("ids", days.Select(d => d.InstrumentId).ToArray());
            command.Parameters.AddWithValue("days", days.Select(d => d.Day).ToArray());
            command.Parameters.AddWithValue("starts", days.Select(d => d.Span.Start).ToArray());
            command.Parameters.AddWithValue("ends", days.Select(d => d.Span.End).ToArray());
            written = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var progress = new NpgsqlCommand("""
            INSERT INTO utilization_rollup_progress (instrument_id, until_day)
            SELECT * FROM unnest(@ids, @until)
            ON CONFLICT (instrument_id) DO UPDATE SET until_day = greatest(utilization_rollup_progress.until_day, excluded.until_day)
            """, connection, transaction))
        {
            progress.Parameters.AddWithValue("ids", until.Keys.ToArray());
            progress.Parameters.AddWithValue("until", until.Values.ToArray());
            await progress.ExecuteNonQueryAsync(cancellationToken);
        }

        if (consumed is { Count: > 0 })
        {
            await using var clean = new NpgsqlCommand("DELETE FROM utilization_dirty WHERE id = ANY(@ids)", connection, transaction);
            clean.Parameters.AddWithValue("ids", consumed.ToArray());
            await clean.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>Rolled-up sums per instrument and team over each instrument's day range [from, to).</summary>
    public async Task<IReadOnlyList<UtilizationRow>> SumAsync(IReadOnlyList<(string InstrumentId, LocalDate From, LocalDate To)> ranges, CancellationToken cancellationToken = default)
    {
        if (ranges.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand("""
            WITH scope AS (SELECT * FROM unnest(@ids, @froms, @tos) AS s(instrument_id, d_from, d_to))
            SELECT u.instrument_id, u.team_id, sum(u.booked_minutes)::bigint, sum(u.used_minutes)::bigint, sum(u.no_shows)::int, sum(u.cancellations)::int,
                   sum(u.bookings)::int
            FROM scope s JOIN utilization_daily u ON u.instrument_id = s.instrument_id AND u.day >= s.d_from AND u.day < s.d_to
            GROUP BY u.instrument_id, u.team_id
            """);
        command.Parameters.AddWithValue("ids", ranges.Select(r => r.InstrumentId).ToArray());
        command.Parameters.AddWithValue("froms", ranges.Select(r => r.From).ToArray());
        command.Parameters.AddWithValue("tos", ranges.Select(r => r.To).ToArray());
        var rows = new List<UtilizationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UtilizationRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return rows;
    }
}
