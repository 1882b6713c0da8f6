using NodaTime;

namespace LabScheduler.Domain.Recurrence;

/// <summary>A BYDAY entry: a weekday, with its ordinal in the month for MONTHLY rules ("2TU", "-1FR").</summary>
public sealed record WeekdayNumber(IsoDayOfWeek Day, int? Ordinal)
{
    /// <summary>Whether <paramref name="date"/> is this weekday (and, with an ordinal, the nth or nth-last of its month).</summary>
    public bool Matches(LocalDate date)
    {
        if (date.DayOfWeek != Day)
        {
            return false;
        }

        if (Ordinal is not { } n)
        {
            return true;
        }

        var length = date.Calendar.GetDaysInMonth(date.Year, date.Month);
        return n > 0 ? (date.Day - 1) / 7 + 1 == n : (length - date.Day) / 7 + 1 == -n;
    }
}
