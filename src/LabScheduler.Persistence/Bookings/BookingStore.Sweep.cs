using LabScheduler.Contracts.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>An instrument's bookings that still hold time and have started by <paramref name="now"/>, oldest first.</summary>
    public Task<IReadOnlyList<Booking>> StartedHoldingTimeAsync(string instrumentId, Instant now, CancellationToken cancellationToken = default) =>
        HoldingTimeAsync(instrumentId, "lower(during) <= @at", now, cancellationToken);

    /// <summary>Instruments with a booking that holds time and has started by <paramref name="now"/>: the sweep's work list.</summary>
    public async Task<IReadOnlyList<string>> InstrumentsWithStartedBookingsAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT DISTINCT instrument_id FROM bookings
            WHERE status IN ({BookingSql.HoldsTime}) AND lower(during) <= @now
            """);
        command.Parameters.AddWithValue("now", now);
        return await command.ReadStringsAsync(cancellationToken);
    }
}
