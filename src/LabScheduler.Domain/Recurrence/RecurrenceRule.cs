using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Domain.Recurrence;

/// <summary>
/// The part of RFC 5545 RRULE (3.3.10) that bookings use, with the meaning RFC 5545 gives it:
/// FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, COUNT, UNTIL, BYDAY (ordinals such as 2TU or -1FR with
/// MONTHLY), BYMONTHDAY (negative counts from the month's end; DAILY and MONTHLY), BYMONTH,
/// BYSETPOS and WKST. BYxxx parts limit or expand as the table in 3.3.10 says: with MONTHLY,
/// BYDAY expands the month when alone and limits BYMONTHDAY when both are given (BYDAY=FR with
/// BYMONTHDAY=13 is Friday the 13th); a month without the day asked for is skipped.
/// Occurrences are dates; each repeats the first occurrence's local start time.
/// </summary>
public sealed record RecurrenceRule
{
    /// <summary>No series may have more occurrences than this.</summary>
    public const int MaxOccurrences = 366;

    public Frequency Frequency { get; init; }

    public int Interval { get; init; } = 1;

    public int? Count { get; init; }

    /// <summary>Last local date an occurrence may start on (UNTIL as a date, or a UTC UNTIL read in the lab's zone).</summary>
    public LocalDate? UntilDate { get; init; }

    /// <summary>UNTIL given as a UTC date-time: occurrences must start at or before it.</summary>
    public Instant? UntilInstant { get; init; }

    public IReadOnlyList<WeekdayNumber> ByDay { get; init; } = [];

    public IReadOnlyList<int> ByMonthDay { get; init; } = [];

    public IReadOnlyList<int> ByMonth { get; init; } = [];

    public IReadOnlyList<int> BySetPosition { get; init; } = [];

    /// <summary>WKST: the day weeks start on, which decides which weeks an INTERVAL of a WEEKLY rule skips.</summary>
    public IsoDayOfWeek WeekStart { get; init; } = IsoDayOfWeek.Monday;

    /// <summary>Parses "FREQ=WEEKLY;BYDAY=TU;COUNT=10"; every problem is a validation error naming the part.</summary>
    public static Result<RecurrenceRule> Parse(string? text) => RecurrenceRuleParser.Parse(text);

    /// <summary>
    /// The occurrence dates of a series whose first occurrence (DTSTART) is on <paramref name="first"/>,
    /// in order, stopping at COUNT, UNTIL or <see cref="MaxOccurrences"/>. As RFC 5545 says, the first
    /// occurrence always belongs to the series and counts for COUNT, also when the rule would not
    /// produce it; only a first occurrence after UNTIL gives no series at all. <paramref name="startOf"/>
    /// maps a date to the instant its occurrence starts, for a UTC UNTIL.
    /// </summary>
    public IEnumerable<LocalDate> Dates(LocalDate first, Func<LocalDate, Instant> startOf)
    {
        if (IsAfterUntil(first, startOf))
        {
            yield break;
        }

        yield return first;
        var produced = 1;
        var limit = Count ?? MaxOccurrences;
        if (produced >= limit)
        {
            yield break;
        }

        // Twenty years bound the search, also for rules that rarely or never match (BYMONTHDAY=31
        // with BYMONTH=2) and for intervals so long that date arithmetic would leave the calendar.
        var maxStep = Frequency switch { Frequency.Daily => 20 * 366, Frequency.Weekly => 20 * 53, _ => 20 * 12 };
        for (var period = 0; (long)period * Interval <= maxStep; period++)
        {
            if (PeriodStart(first, period * Interval) is not { } start)
            {
                yield break;
            }

            foreach (var date in SelectPositions(Candidates(first, start)))
            {
                if (date <= first)
                {
                    continue;
                }

                if (IsAfterUntil(date, startOf))
                {
                    yield break;
                }

                yield return date;
                if (++produced >= limit)
                {
                    yield break;
                }
            }
        }
    }

    private bool IsAfterUntil(LocalDate date, Func<LocalDate, Instant> startOf) =>
        (UntilDate is { } untilDate && date > untilDate) || (UntilInstant is { } untilInstant && startOf(date) > untilInstant);

    /// <summary>The first day of the period <paramref name="step"/> periods after the first occurrence's; null past the calendar's end.</summary>
    private LocalDate? PeriodStart(LocalDate first, int step)
    {
        try
        {
            return Frequency switch
            {
                Frequency.Daily => first.PlusDays(step),
                Frequency.Weekly => first.PlusDays(-(((int)first.DayOfWeek - (int)WeekStart + 7) % 7)).PlusWeeks(step),
                _ => new LocalDate(first.Year, first.Month, 1).PlusMonths(step),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>The dates of one period (a day, a week from WKST, a month) that the BYxxx parts keep, in order.</summary>
    private List<LocalDate> Candidates(LocalDate first, LocalDate start)
    {
        var days = Frequency switch
        {
            Frequency.Daily => [start],
            Frequency.Weekly => Enumerable.Range(0, 7).Select(start.PlusDays).ToList(),
            _ => Enumerable.Range(0, start.Calendar.GetDaysInMonth(start.Year, start.Month)).Select(start.PlusDays).ToList(),
        };

        return [.. days.Where(day => Keeps(first, day))];
    }

    private bool Keeps(LocalDate first, LocalDate day)
    {
        if (ByMonth.Count > 0 && !ByMonth.Contains(day.Month))
        {
            return false;
        }

        if (ByMonthDay.Count > 0 && !ByMonthDay.Contains(day.Day) && !ByMonthDay.Contains(day.Day - day.Calendar.GetDaysInMonth(day.Year, day.Month) - 1))
        {
            return false;
        }

        if (ByDay.Count > 0)
        {
            return ByDay.Any(d => d.Matches(day));
        }

        // Without BYDAY (and BYMONTHDAY for MONTHLY) the rule takes its day from DTSTART.
        return Frequency switch
        {
            Frequency.Weekly => day.DayOfWeek == first.DayOfWeek,
            Frequency.Monthly => ByMonthDay.Count > 0 || day.Day == first.Day,
            _ => true,
        };
    }

    /// <summary>BYSETPOS: the nth (or nth-last) dates of the period's set.</summary>
    private IEnumerable<LocalDate> SelectPositions(List<LocalDate> set)
    {
        if (BySetPosition.Count == 0)
        {
            return set;
        }

        return BySetPosition
            .Select(n => n > 0 ? n - 1 : set.Count + n)
            .Where(i => i >= 0 && i < set.Count)
            .Distinct()
            .Order()
            .Select(i => set[i]);
    }
}
