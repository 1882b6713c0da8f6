using LabScheduler.Contracts.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>The bookings of an instrument that hold time and end after <paramref name="endsAfter"/>.</summary>
    public async Task<IReadOnlyList<Booking>> LoadHoldingTimeAsync(string instrumentId, Instant endsAfter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM bookings
            WHERE instrument_id = @instrument AND status IN ({BookingSql.HoldsTime}) AND upper(during) > @after
            ORDER BY lower(during)
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("after", endsAfter);
        return await ReadAll(command, cancellationToken);
    }

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
