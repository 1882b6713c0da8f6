using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence.Bookings;
using Npgsql;

namespace LabScheduler.Persistence.Schedule;

/// <summary>Reads of the bookings table for schedules across instruments (one statement for all of them).</summary>
public sealed class ScheduleQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Pending bookings on the given labs (all labs when null).</summary>
    public async Task<int> PendingCountAsync(IReadOnlyList<string>? labIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM bookings WHERE status = 'pending' AND (@all OR lab_id = ANY(@labs))");
        command.Parameters.AddWithValue("all", labIds is null);
        command.Parameters.AddWithValue("labs", (labIds ?? []).ToArray());
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Bookings holding time on the instruments and overlapping the window, by instrument and start.</summary>
    public async Task<IReadOnlyList<HeldTime>> HeldAsync(IReadOnlyList<string> instrumentIds, NodaTime.Interval window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT id, instrument_id, lab_id, team_id, user_id, status, during, purpose FROM bookings
            WHERE instrument_id = ANY(@ids) AND status IN ({BookingSql.HoldsTime}) AND during && @window
            ORDER BY instrument_id, lower(during), id
            """);
        command.Parameters.AddWithValue("ids", instrumentIds.ToArray());
        command.Parameters.AddWithValue("window", window);
        var rows = new List<HeldTime>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new HeldTime(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                BookingLifecycle.FromWire(reader.GetString(5)) ?? throw new InvalidDataException($"Unknown status '{reader.GetString(5)}'."),
                reader.GetFieldValue<NodaTime.Interval>(6), reader.GetString(7)));
        }

        return rows;
    }
}
