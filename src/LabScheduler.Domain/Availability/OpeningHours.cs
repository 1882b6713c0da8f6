using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Availability;

/// <summary>
/// Weekly opening periods and closed dates in the lab's local time, mapped to instants
/// day by day so that 09:00 stays 09:00 across DST and tz-database changes.
/// </summary>
/// <remarks>
/// Policy, written once: a period's start in a DST gap moves to the end of the gap; a start
/// in an overlap takes the earlier occurrence, an end in an overlap the later one
/// (<see cref="LabTime.OpeningStartResolver"/>, <see cref="LabTime.OpeningEndResolver"/>).
/// A closed date removes every instant whose local date is that date, including the part
/// of an overnight period that runs into it.
/// </remarks>
public sealed record OpeningHours(IReadOnlyList<WeeklyOpening> Weekly, IReadOnlyList<LocalDate> ClosedDates)
{
    /// <summary>Open every day, all day: what a new instrument has until its hours are set.</summary>
    public static OpeningHours AlwaysOpen { get; } = new(
        Enum.GetValues<IsoDayOfWeek>()
            .Where(d => d != IsoDayOfWeek.None)
            .Select(d => new WeeklyOpening(d, LocalTime.Midnight, LocalTime.Midnight, ToEndOfDay: true))
            .ToArray(),
        []);

    /// <summary>The open intervals within <paramref name="range"/>, sorted, merged and clipped to it.</summary>
    public IReadOnlyList<Interval> OpenIntervals(Interval range, DateTimeZone zone)
    {
        if (range.Start >= range.End)
        {
            return [];
        }

        // Start a day early: an overnight period that began the day before reaches into the range.
        var firstDate = range.Start.InZone(zone).Date.PlusDays(-1);
        var lastDate = range.End.InZone(zone).Date;
        var closed = ClosedDates.ToHashSet();
        var open = new List<Interval>();
        var closedDays = new List<Interval>();

        for (var date = firstDate; date <= lastDate; date = date.PlusDays(1))
        {
            if (closed.Contains(date))
            {
                closedDays.Add(new Interval(zone.AtStartOfDay(date).ToInstant(), zone.AtStartOfDay(date.PlusDays(1)).ToInstant()));
            }

            foreach (var period in Weekly)
            {
                if (period.Day != date.DayOfWeek)
                {
                    continue;
                }

                var (localStart, localEnd) = period.On(date);
                var start = localStart.TimeOfDay == LocalTime.Midnight
                    ? zone.AtStartOfDay(localStart.Date).ToInstant()
                    : zone.ResolveLocal(localStart, LabTime.OpeningStartResolver).ToInstant();
                var end = localEnd.TimeOfDay == LocalTime.Midnight
                    ? zone.AtStartOfDay(localEnd.Date).ToInstant()
                    : zone.ResolveLocal(localEnd, LabTime.OpeningEndResolver).ToInstant();
                if (start < end)
                {
                    open.Add(new Interval(start, end));
                }
            }
        }

        var remaining = IntervalMath.Subtract(IntervalMath.Normalize(open), IntervalMath.Normalize(closedDays));
        return IntervalMath.Clip(remaining, range);
    }

    /// <summary>Whether the whole of <paramref name="interval"/> lies inside one open stretch.</summary>
    public bool Covers(Interval interval, DateTimeZone zone)
    {
        var open = OpenIntervals(interval, zone);
        return open.Count == 1 && open[0].Start == interval.Start && open[0].End == interval.End;
    }
}
