using Npgsql;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>The instrument's capacity and buffer as the database enforces them, or null when it has none yet.</summary>
    public async Task<(int Capacity, int BufferMinutes)?> LimitsAsync(string instrumentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT capacity, buffer_minutes FROM instrument_limits WHERE instrument_id = @i");
        command.Parameters.AddWithValue("i", instrumentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Sets the capacity and buffer the database enforces for an instrument and moves its bookings
    /// that hold time to the given seats, in one transaction (the seat constraint is checked at the
    /// commit, so seats may be swapped); every such booking's blocked time is derived anew from the buffer.
    /// </summary>
    public async Task<WriteOutcome> SetLimitsAsync(
        string instrumentId, int capacity, int bufferMinutes, IReadOnlyList<(Guid BookingId, int Seat)> seats, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SET CONSTRAINTS bookings_no_overlap DEFERRED;
            INSERT INTO instrument_limits (instrument_id, capacity, buffer_minutes) VALUES (@i, @capacity, @buffer)
                ON CONFLICT (instrument_id) DO UPDATE SET capacity = excluded.capacity, buffer_minutes = excluded.buffer_minutes;
            UPDATE bookings b SET seat = coalesce(s.seat, b.seat), blocked = b.during
            FROM bookings x LEFT JOIN unnest(@ids, @seats) AS s(id, seat) ON s.id = x.id
            WHERE x.id = b.id AND b.instrument_id = @i AND b.status IN ({BookingSql.HoldsTime});
            """, connection, transaction);
        command.Parameters.AddWithValue("i", instrumentId);
        command.Parameters.AddWithValue("capacity", capacity);
        command.Parameters.AddWithValue("buffer", bufferMinutes);
        command.Parameters.AddWithValue("ids", seats.Select(s => s.BookingId).ToArray());
        command.Parameters.AddWithValue("seats", seats.Select(s => s.Seat).ToArray());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return WriteOutcome.Written;
        }
        catch (PostgresException e) when (IsRefusedByLimits(e))
        {
            return WriteOutcome.Overlap;
        }
    }
}
