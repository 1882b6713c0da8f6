using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Recurrence;

/// <summary>
/// Turns a first occurrence (the DTSTART, always the series' first) and a rule into the intervals
/// of a series, in the lab's local time: every occurrence starts at the first one's local time and
/// lasts as long in local terms, so a 09:00-11:00 weekly series stays 09:00-11:00 across DST
/// changes. Occurrences that land in a gap or an overlap are placed by the named lenient policy
/// <see cref="LabTime.RecurrenceResolver"/> (RFC 5545 3.3.5: a time in a gap moves forward by the
/// gap's length, one in an overlap takes the earlier instant); when that pushes a start past its
/// end, the occurrence keeps the first one's elapsed length.
/// </summary>
public static class SeriesExpansion
{
    public static IReadOnlyList<Interval> Expand(Interval first, RecurrenceRule rule, DateTimeZone zone)
    {
        var localStart = first.Start.InZone(zone).LocalDateTime;
        var localEnd = first.End.InZone(zone).LocalDateTime;
        var length = Period.Between(localStart, localEnd, PeriodUnits.Minutes);
        Instant StartOf(LocalDate date) => zone.ResolveLocal(date.At(localStart.TimeOfDay), LabTime.RecurrenceResolver).ToInstant();

        var occurrences = new List<Interval>();
        foreach (var date in rule.Dates(localStart.Date, StartOf))
        {
            var start = date.At(localStart.TimeOfDay);
            var end = start + length;
            var startInstant = zone.ResolveLocal(start, LabTime.RecurrenceResolver).ToInstant();
            var endInstant = zone.ResolveLocal(end, LabTime.RecurrenceResolver).ToInstant();

            // A start pushed forward out of a gap can pass its end: keep the first occurrence's length then.
            var interval = new Interval(startInstant, endInstant > startInstant ? endInstant : startInstant + first.Duration);

            // The first occurrence is exactly what was asked for (its instants may be given with offsets).
            occurrences.Add(date == localStart.Date ? first : interval);
        }

        return occurrences;
    }
}
