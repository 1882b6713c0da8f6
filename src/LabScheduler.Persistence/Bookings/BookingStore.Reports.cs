using NodaTime;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>
    /// Minutes a team has on an instrument in a month: bookings that hold time or completed, and
    /// no-shows where they are charged. The instrument grain, the single writer of the instrument's
    /// bookings, checks quotas with it, so two bookings cannot both pass on the last minutes.
    /// </summary>
    public async Task<int> TeamMinutesAsync(string teamId, string instrumentId, Interval month, bool countNoShows, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT coalesce(sum(extract(epoch FROM upper(during) - lower(during)) / 60), 0)::integer FROM bookings
            WHERE team_id = @team AND instrument_id = @instrument AND lower(during) >= @from AND lower(during) < @to
              AND (status IN ({BookingSql.HoldsTime}, 'completed') OR (@noShows AND status = 'no-show'))
            """);
        command.Parameters.AddWithValue("team", teamId);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("from", month.Start);
        command.Parameters.AddWithValue("to", month.End);
        command.Parameters.AddWithValue("noShows", countNoShows);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Booked and used minutes on an instrument in a window by the booking team's country.</summary>
    public async Task<IReadOnlyDictionary<string, (long Booked, long Used)>> MinutesByStateAsync(string instrumentId, Interval window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT team_state,
                   coalesce(sum(extract(epoch FROM upper(during) - lower(during)) / 60)
                       FILTER (WHERE status IN ({BookingSql.HoldsTime}, 'completed', 'no-show')), 0)::bigint,
                   coalesce(sum(extract(epoch FROM coalesce(ended_at, upper(during)) - greatest(coalesce(checked_in_at, lower(during)), lower(during))) / 60)
                       FILTER (WHERE status = 'completed'), 0)::bigint
            FROM bookings
            WHERE instrument_id = @instrument AND lower(during) >= @from AND lower(during) < @to
            GROUP BY team_state
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("from", window.Start);
        command.Parameters.AddWithValue("to", window.End);
        var result = new Dictionary<string, (long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return result;
    }
}
