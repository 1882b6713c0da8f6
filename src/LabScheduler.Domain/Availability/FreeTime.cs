using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Availability;

/// <summary>Where a new booking could go: open, not blacked out, and not taken.</summary>
public static class FreeTime
{
    /// <summary>
    /// Free intervals within <paramref name="window"/>. A booking [s, e) keeps
    /// [s - buffer, e + buffer) from new bookings (a new one must end a buffer before it and start a
    /// buffer after it). With capacity above one, a moment is free while fewer than capacity such
    /// spans cover it.
    /// </summary>
    public static IReadOnlyList<Interval> Compute(Interval window, InstrumentSchedule schedule, BookingCalendar calendar)
    {
        if (!schedule.IsActive || window.Start >= window.End)
        {
            return [];
        }

        var buffer = Duration.FromMinutes(schedule.Rules.BufferMinutes);
        var open = IntervalMath.Subtract(
            IntervalMath.Normalize(schedule.OpeningHours.OpenIntervals(window, schedule.Zone)),
            IntervalMath.Normalize(schedule.Blackouts));
        var spans = calendar.Overlapping(new Interval(window.Start - buffer, window.End + buffer))
            .Select(e => new Interval(e.Interval.Start - buffer, e.Interval.End + buffer))
            .ToList();
        return IntervalMath.Subtract(open, Full(spans, schedule.Rules.Capacity));
    }

    // The normalized stretches where at least `capacity` spans overlap.
    private static List<Interval> Full(List<Interval> spans, int capacity)
    {
        if (capacity <= 1)
        {
            return IntervalMath.Normalize(spans);
        }

        var events = spans.SelectMany(s => new[] { (At: s.Start, Delta: +1), (At: s.End, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        var full = new List<Interval>();
        var count = 0;
        Instant? fullSince = null;
        foreach (var (at, delta) in events)
        {
            count += delta;
            if (count >= capacity && fullSince is null)
            {
                fullSince = at;
            }
            else if (count < capacity && fullSince is { } since)
            {
                if (since < at)
                {
                    full.Add(new Interval(since, at));
                }

                fullSince = null;
            }
        }

        return IntervalMath.Normalize(full);
    }
}
