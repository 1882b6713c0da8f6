using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// The sweep: what time makes due (pending bookings expire at their start, unclaimed ones become
/// no-shows, sessions complete at their end), run by the silo's job for every instrument.
/// </remarks>
public sealed partial class InstrumentGrain
{
    async Task<int> IInstrumentGrain.SweepAsync()
    {
        if (_row?.Definition is not { } definition)
        {
            return 0;
        }

        var now = Now();
        var noShowAfter = Duration.FromMinutes(definition.Rules.NoShowMinutes);
        var changed = 0;
        // From the table, not only from memory: bookings that ended long before this activation are due too.
        foreach (var booking in await store.StartedHoldingTimeAsync(Id, now))
        {
            if (DueTransition(booking, now, noShowAfter) is not { } due)
            {
                continue;
            }

            try
            {
                if ((await TransitionAsync(booking.Id, due.Target, due.Reason, end: due.Target == BookingStatus.Completed)).IsSuccess)
                {
                    changed++;
                    LogSwept(logger, Id, booking.Id, BookingLifecycle.ToWire(due.Target));
                }
            }
            catch (Npgsql.PostgresException e)
            {
                // One row that cannot be written must not hold up the others; it is tried again next run.
                LogSweepFailed(logger, e, Id, booking.Id);
            }
        }

        return changed + await SweepWaitlistAsync(now);
    }

    /// <summary>What time has made due for a booking at <paramref name="now"/>, if anything.</summary>
    private static (BookingStatus Target, string? Reason)? DueTransition(Booking booking, Instant now, Duration noShowAfter) => booking.Status switch
    {
        BookingStatus.Pending when now >= booking.Interval.Start => (BookingStatus.Expired, "Not decided before its start."),
        BookingStatus.Confirmed when now >= IntervalMath.Min(booking.Interval.Start + noShowAfter, booking.Interval.End) =>
            (BookingStatus.NoShow, $"Not checked in within {noShowAfter.TotalMinutes:0} minutes of the start."),
        BookingStatus.CheckedIn when now >= booking.Interval.End => (BookingStatus.Completed, null),
        _ => null,
    };
}
