using NodaTime;

namespace LabScheduler.Domain.Bookings;

/// <summary>One booking as seating sees it: its booked time and its seat.</summary>
public readonly record struct SeatedBooking(Guid Id, Interval Interval, int Seat);

/// <summary>
/// Seats of an instrument with a capacity: each booking that holds time sits on one seat, and the
/// bookings of a seat keep their blocked time, [start, end + buffer), apart. That is the rule the
/// database enforces; these pure functions choose seats so that it holds.
/// </summary>
public static class Seating
{
    /// <summary>The lowest seat no nearby booking blocks over the candidate's blocked time, or null when every seat is blocked somewhere in it.</summary>
    public static int? FreeSeat(Interval candidate, Duration buffer, int capacity, IEnumerable<SeatedBooking> near)
    {
        var blocked = Blocked(candidate, buffer);
        var taken = new bool[capacity];
        foreach (var other in near)
        {
            if (other.Seat >= 0 && other.Seat < capacity && Overlaps(Blocked(other.Interval, buffer), blocked))
            {
                taken[other.Seat] = true;
            }
        }

        var seat = Array.IndexOf(taken, false);
        return seat < 0 ? null : seat;
    }

    /// <summary>
    /// Seats for all the given bookings, in start order, each on the lowest seat free at its start
    /// (interval partitioning: it needs exactly as many seats as the most blocked times overlapping at
    /// one instant). What cannot be seated within <paramref name="capacity"/> is returned apart.
    /// </summary>
    public static (IReadOnlyList<SeatedBooking> Seated, IReadOnlyList<Guid> Unseated) Pack(
        IEnumerable<(Guid Id, Interval Interval)> bookings, Duration buffer, int capacity)
    {
        var seatFreeFrom = new Instant?[capacity];
        var seated = new List<SeatedBooking>();
        var unseated = new List<Guid>();
        foreach (var (id, interval) in bookings.OrderBy(b => b.Interval.Start).ThenBy(b => b.Id))
        {
            var seat = Array.FindIndex(seatFreeFrom, free => free is not { } f || f <= interval.Start);
            if (seat < 0)
            {
                unseated.Add(id);
                continue;
            }

            seatFreeFrom[seat] = interval.End + buffer;
            seated.Add(new SeatedBooking(id, interval, seat));
        }

        return (seated, unseated);
    }

    private static Interval Blocked(Interval booked, Duration buffer) => new(booked.Start, booked.End + buffer);

    private static bool Overlaps(Interval a, Interval b) => a.Start < b.End && b.Start < a.End;
}
