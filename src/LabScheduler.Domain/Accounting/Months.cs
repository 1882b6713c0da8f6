using NodaTime;

namespace LabScheduler.Domain.Accounting;

/// <summary>A calendar month in a lab's zone, and the minutes some intervals ask of it.</summary>
/// <param name="Month">The month's first day.</param>
/// <param name="Span">From the month's first midnight to the next month's, in the lab's zone.</param>
/// <param name="AskedMinutes">The minutes of the intervals that start in the month.</param>
public sealed record MonthAsk(LocalDate Month, Interval Span, long AskedMinutes);

/// <summary>Months in a lab's zone, as quotas and shares count them: an interval counts in the month of its start.</summary>
public static class Months
{
    /// <summary>The span of a month (its first day given) in a zone, midnight to midnight.</summary>
    public static Interval Span(LocalDate month, DateTimeZone zone) =>
        new(zone.AtStartOfDay(month).ToInstant(), zone.AtStartOfDay(month.PlusMonths(1)).ToInstant());

    /// <summary>Every month the intervals touch (by their starts), in order, with the minutes asked in each.</summary>
    public static IReadOnlyList<MonthAsk> Asked(IEnumerable<Interval> intervals, DateTimeZone zone) =>
        [.. intervals
            .GroupBy(i => Charging.MonthOf(i.Start, zone))
            .OrderBy(g => g.Key)
            .Select(g => new MonthAsk(g.Key, Span(g.Key, zone), (long)g.Sum(i => i.Duration.TotalMinutes)))];
}
