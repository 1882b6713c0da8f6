using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>One booking by id, or null.</summary>
    public async Task<Booking?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM bookings WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        var rows = await ReadAll(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The bookings of a series, by start.</summary>
    public async Task<IReadOnlyList<Booking>> FindSeriesAsync(Guid seriesId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM bookings WHERE series_id = @s ORDER BY lower(during)");
        command.Parameters.AddWithValue("s", seriesId);
        return await ReadAll(command, cancellationToken);
    }

    /// <summary>
    /// Bookings matching <paramref name="query"/>, ordered by start then id, after the cursor.
    /// Visibility is part of the query: unless <see cref="BookingQuery.All"/>, only rows booked by
    /// the user, for one of the teams, or in one of the labs.
    /// </summary>
    public async Task<IReadOnlyList<Booking>> QueryAsync(BookingQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        if (!query.All)
        {
            where.Add("(user_id = @me OR team_id = ANY(@teams) OR lab_id = ANY(@labs))");
            p.AddWithValue("me", query.VisibleToUser ?? "");
            p.AddWithValue("teams", query.VisibleTeams.ToArray());
            p.AddWithValue("labs", query.VisibleLabs.ToArray());
        }

        void Filter(string? value, string column)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                p.AddWithValue(column, value);
            }
        }

        Filter(query.InstrumentId, "instrument_id");
        Filter(query.TeamId, "team_id");
        Filter(query.UserId, "user_id");
        Filter(query.LabId, "lab_id");
        Filter(query.Status is { } status ? BookingLifecycle.ToWire(status) : null, "status");
        if (query.From is { } from)
        {
            where.Add("upper(during) > @from");
            p.AddWithValue("from", from);
        }

        if (query.To is { } to)
        {
            where.Add("lower(during) < @to");
            p.AddWithValue("to", to);
        }

        if (query.AfterStart is { } afterStart && query.AfterId is { } afterId)
        {
            where.Add("(lower(during), id) > (@afterStart, @afterId)");
            p.AddWithValue("afterStart", afterStart);
            p.AddWithValue("afterId", afterId);
        }

        p.AddWithValue("limit", query.Limit);
        command.CommandText = $"SELECT {Columns} FROM bookings" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY lower(during), id LIMIT @limit";
        return await ReadAll(command, cancellationToken);
    }
}
