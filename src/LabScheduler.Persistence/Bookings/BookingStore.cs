using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence.Bookings;

/// <summary>
/// The bookings table. Each write is one statement, so a booking costs O(1) writes however long
/// the calendar, and a returned <see cref="WriteOutcome.Written"/> means committed. New bookings go
/// through <see cref="GroupCommit"/>: under load the inserts of many instruments share one
/// transaction and one WAL flush.
/// </summary>
/// <remarks>
/// One partial per area: <c>Writes</c> (the one-statement writes and what goes in with them),
/// <c>Limits</c> (capacity and buffer), <c>Calendar</c> (what an instrument and slot search load),
/// <c>Sweep</c>, <c>Listing</c> (single bookings, series, filtered pages) and <c>Reports</c> (minute sums).
/// Writes (inserts and status changes) pass the silo's <see cref="WriterFence"/> when it has one (a
/// silo of a cluster on ADO.NET clustering always does): a silo no longer active in the cluster writes
/// nothing and gets a <see cref="WriterFencedException"/>.
/// </remarks>
public sealed partial class BookingStore(NpgsqlDataSource dataSource, WriterFence? fence = null)
{
    private readonly GroupCommit _commits = new(dataSource, fence);

    /// <summary>Group-committed batches and the inserts they carried, since start.</summary>
    public (long Batches, long Statements) GroupCommits => _commits.Totals;

    private const string Columns =
        "id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, status_reason, created_at, updated_at, version, series_id, checked_in_at, ended_at, team_state, seat";

    // An instrument's bookings that hold time and whose interval meets a condition on @at, oldest first.
    private async Task<IReadOnlyList<Booking>> HoldingTimeAsync(string instrumentId, string condition, Instant at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM bookings
            WHERE instrument_id = @instrument AND status IN ({BookingSql.HoldsTime}) AND {condition}
            ORDER BY lower(during)
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("at", at);
        return await ReadAll(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<Booking>> ReadAll(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<Booking>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Booking
            {
                Id = reader.GetGuid(0),
                InstrumentId = reader.GetString(1),
                LabId = reader.GetString(2),
                TeamId = reader.GetString(3),
                UserId = reader.GetString(4),
                Status = BookingLifecycle.FromWire(reader.GetString(5)) ?? throw new InvalidDataException($"Unknown status '{reader.GetString(5)}'."),
                Interval = reader.GetFieldValue<Interval>(6),
                Exclusive = reader.GetBoolean(7),
                Purpose = reader.GetString(8),
                StatusReason = reader.IsDBNull(9) ? null : reader.GetString(9),
                CreatedAt = reader.GetFieldValue<Instant>(10),
                UpdatedAt = reader.GetFieldValue<Instant>(11),
                Version = reader.GetInt32(12),
                SeriesId = reader.IsDBNull(13) ? null : reader.GetGuid(13),
                CheckedInAt = reader.GetFieldValue<Instant?>(14),
                EndedAt = reader.GetFieldValue<Instant?>(15),
                TeamState = reader.GetString(16),
                Seat = reader.GetInt32(17),
            });
        }

        return rows;
    }
}
