using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Accounting;

/// <summary>Booked and used minutes, no-shows and cancellations of one instrument and team in a window.</summary>
public sealed record UtilizationRow(string InstrumentId, string TeamId, long BookedMinutes, long UsedMinutes, int NoShows, int Cancellations, int Bookings);

/// <summary>
/// The utilization figures, aggregated in PostgreSQL: each instrument has its own window (its
/// lab's local dates), so the windows go in as an array joined to the bookings.
/// </summary>
public sealed class UtilizationQuery(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Booked minutes, used minutes, no-shows, cancellations and bookings of each booking clipped to its
    /// scope window (s.w_start, s.w_end), from a scope table joined to bookings; the roll-ups use the same.
    /// </summary>
    internal const string Aggregates = """
        coalesce(sum(extract(epoch FROM least(upper(b.during), s.w_end) - greatest(lower(b.during), s.w_start)) / 60)
            FILTER (WHERE b.status IN ('confirmed', 'checked-in', 'completed', 'no-show')), 0)::bigint,
        coalesce(sum(extract(epoch FROM
                least(coalesce(b.ended_at, upper(b.during)), s.w_end) - greatest(coalesce(b.checked_in_at, lower(b.during)), s.w_start)) / 60)
            FILTER (WHERE b.status = 'completed'
                    AND least(coalesce(b.ended_at, upper(b.during)), s.w_end) > greatest(coalesce(b.checked_in_at, lower(b.during)), s.w_start)), 0)::bigint,
        count(*) FILTER (WHERE b.status = 'no-show' AND lower(b.during) >= s.w_start)::int,
        count(*) FILTER (WHERE b.status = 'cancelled' AND lower(b.during) >= s.w_start)::int,
        count(*) FILTER (WHERE lower(b.during) >= s.w_start)::int
        FROM scope s
        JOIN bookings b ON b.instrument_id = s.instrument_id AND b.during && tstzrange(s.w_start, s.w_end, '[)')
        """;

    public async Task<IReadOnlyList<UtilizationRow>> RunAsync(IReadOnlyList<(string InstrumentId, Interval Window)> scope, CancellationToken cancellationToken = default)
    {
        if (scope.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand($"""
            WITH scope AS (
                SELECT * FROM unnest(@ids, @starts, @ends) AS s(instrument_id, w_start, w_end))
            SELECT b.instrument_id, b.team_id, {Aggregates}
            GROUP BY b.instrument_id, b.team_id
            """);
        command.Parameters.AddWithValue("ids", scope.Select(s => s.InstrumentId).ToArray());
        command.Parameters.AddWithValue("starts", scope.Select(s => s.Window.Start).ToArray());
        command.Parameters.AddWithValue("ends", scope.Select(s => s.Window.End).ToArray());
        var rows = new List<UtilizationRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UtilizationRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return rows;
    }

    /// <summary>The booked spans (clipped to each instrument's window) of bookings that took or hold the time.</summary>
    public async Task<IReadOnlyList<(string InstrumentId, Interval Span)>> BookedSpansAsync(
        IReadOnlyList<(string InstrumentId, Interval Window)> scope, CancellationToken cancellationToken = default)
    {
        if (scope.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand("""
            WITH scope AS (
                SELECT * FROM unnest(@ids, @starts, @ends) AS s(instrument_id, w_start, w_end))
            SELECT b.instrument_id, greatest(lower(b.during), s.w_start), least(upper(b.during), s.w_end)
            FROM scope s
            JOIN bookings b ON b.instrument_id = s.instrument_id AND b.during && tstzrange(s.w_start, s.w_end, '[)')
            WHERE b.status IN ('confirmed', 'checked-in', 'completed', 'no-show')
            """);
        command.Parameters.AddWithValue("ids", scope.Select(s => s.InstrumentId).ToArray());
        command.Parameters.AddWithValue("starts", scope.Select(s => s.Window.Start).ToArray());
        command.Parameters.AddWithValue("ends", scope.Select(s => s.Window.End).ToArray());
        var spans = new List<(string, Interval)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            spans.Add((reader.GetString(0), new Interval(reader.GetFieldValue<Instant>(1), reader.GetFieldValue<Instant>(2))));
        }

        return spans;
    }
}
