using LabScheduler.Contracts.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>An instrument's bookings that still hold time and have started by <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Booking>> StartedHoldingTimeAsync(string instrumentId, Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM bookings
            WHERE instrument_id = @instrument AND status IN ({BookingSql.HoldsTime}) AND lower(during) <= @now
            ORDER BY lower(during)
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("now", now);
        return await ReadAll(command, cancellationToken);
    }

    /// <summary>Instruments with a booking that holds time and has started by <paramref name="now"/>: the sweep's work list.</summary>
    public async Task<IReadOnlyList<string>> InstrumentsWithStartedBookingsAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT DISTINCT instrument_id FROM bookings
            WHERE status IN ({BookingSql.HoldsTime}) AND lower(during) <= @now
            """);
        command.Parameters.AddWithValue("now", now);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
