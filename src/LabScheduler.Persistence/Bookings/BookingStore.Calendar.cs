using LabScheduler.Contracts.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>The bookings of an instrument that hold time and end after <paramref name="endsAfter"/>.</summary>
    public Task<IReadOnlyList<Booking>> LoadHoldingTimeAsync(string instrumentId, Instant endsAfter, CancellationToken cancellationToken = default) =>
        HoldingTimeAsync(instrumentId, "upper(during) > @at", endsAfter, cancellationToken);

    /// <summary>The intervals of bookings that hold time on the given instruments and overlap a window.</summary>
    public async Task<IReadOnlyDictionary<string, List<Interval>>> HoldingIntervalsAsync(
        IReadOnlyList<string> instrumentIds, Interval window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT instrument_id, during FROM bookings
            WHERE instrument_id = ANY(@ids) AND status IN ({BookingSql.HoldsTime}) AND during && @window
            """);
        command.Parameters.AddWithValue("ids", instrumentIds.ToArray());
        command.Parameters.AddWithValue("window", window);
        var result = new Dictionary<string, List<Interval>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }

            list.Add(reader.GetFieldValue<Interval>(1));
        }

        return result;
    }
}
