using System.Globalization;
using LabScheduler.Domain.Errors;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Domain.Recurrence;

/// <summary>How often a rule repeats.</summary>
public enum Frequency
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>A weekday, optionally with its ordinal in the month ("2TU", "-1FR").</summary>
public sealed record WeekdayNumber(IsoDayOfWeek Day, int? Ordinal);

/// <summary>
/// The part of RFC 5545 RRULE (3.3.10) that bookings use, meaning what the RFC says: FREQ=DAILY|WEEKLY|MONTHLY,
/// INTERVAL, COUNT, UNTIL, WKST, BYDAY (ordinals such as 2TU or -1FR with MONTHLY) and BYMONTHDAY (with
/// DAILY and MONTHLY, negative counts from the month's end). As the RFC's table says: with DAILY, BYDAY
/// and BYMONTHDAY limit the days; with WEEKLY, BYDAY expands the week (which starts on WKST, default
/// Monday, and matters with INTERVAL &gt; 1); with MONTHLY, BYMONTHDAY expands the month and BYDAY then
/// limits it (so BYDAY=FR;BYMONTHDAY=13 is every Friday the 13th), or expands it when BYMONTHDAY is
/// absent; a month without the day (the 31st in April) is skipped. Other parts (BYSETPOS, BYMONTH,
/// BYWEEKNO, BYYEARDAY, BYHOUR...) are refused, each naming itself.
/// Occurrences are dates; each repeats the first occurrence's local start time. The first occurrence
/// (DTSTART) counts only when it matches the rule: RFC 5545 leaves an unsynchronised DTSTART undefined,
/// and a booking series should not contain a booking its rule does not describe.
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

    /// <summary>The day weeks start on (WKST), for WEEKLY rules with an INTERVAL.</summary>
    public IsoDayOfWeek WeekStart { get; init; } = IsoDayOfWeek.Monday;

    private static readonly Dictionary<string, IsoDayOfWeek> Days = new()
    {
        ["MO"] = IsoDayOfWeek.Monday, ["TU"] = IsoDayOfWeek.Tuesday, ["WE"] = IsoDayOfWeek.Wednesday, ["TH"] = IsoDayOfWeek.Thursday,
        ["FR"] = IsoDayOfWeek.Friday, ["SA"] = IsoDayOfWeek.Saturday, ["SU"] = IsoDayOfWeek.Sunday,
    };

    /// <summary>Parses "FREQ=WEEKLY;BYDAY=TU;COUNT=10"; every problem is a validation error naming the part.</summary>
    public static Result<RecurrenceRule> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 500)
        {
            return Invalid("is required, at most 500 characters (e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10)");
        }

        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Trim().Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2 || !parts.TryAdd(pair[0].Trim().ToUpperInvariant(), pair[1].Trim().ToUpperInvariant()))
            {
                return Invalid($"'{part}' is not a NAME=VALUE part, or repeats one");
            }
        }

        if (!parts.TryGetValue("FREQ", out var freq) || !Enum.TryParse<Frequency>(freq, ignoreCase: true, out var frequency) || !Enum.IsDefined(frequency))
        {
            return Invalid("FREQ must be DAILY, WEEKLY or MONTHLY");
        }

        var rule = new RecurrenceRule { Frequency = frequency };
        foreach (var (name, value) in parts)
        {
            switch (name)
            {
                case "FREQ":
                    break;
                case "WKST":
                    if (!Days.TryGetValue(value, out var weekStart))
                    {
                        return Invalid($"WKST '{value}' is not a weekday (MO..SU)");
                    }

                    rule = rule with { WeekStart = weekStart };
                    break;
                case "INTERVAL" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var interval) && interval is >= 1 and <= 366:
                    rule = rule with { Interval = interval };
                    break;
                case "COUNT" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxOccurrences:
                    rule = rule with { Count = count };
                    break;
                case "UNTIL":
                    if (LocalDatePattern.CreateWithInvariantCulture("uuuuMMdd").Parse(value) is { Success: true } date)
                    {
                        rule = rule with { UntilDate = date.Value };
                    }
                    else if (InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Parse(value) is { Success: true } instant)
                    {
                        rule = rule with { UntilInstant = instant.Value };
                    }
                    else
                    {
                        return Invalid("UNTIL must be a date (20270131) or a UTC date-time (20270131T235959Z)");
                    }

                    break;
                case "BYDAY":
                    var days = new List<WeekdayNumber>();
                    foreach (var item in value.Split(','))
                    {
                        var code = item.Length >= 2 ? item[^2..] : "";
                        var ordinalText = item.Length >= 2 ? item[..^2] : "";
                        int? ordinal = null;
                        if (ordinalText.Length > 0)
                        {
                            if (!int.TryParse(ordinalText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n == 0 || n is < -5 or > 5)
                            {
                                return Invalid($"BYDAY '{item}' has a bad ordinal");
                            }

                            ordinal = n;
                        }

                        if (!Days.TryGetValue(code, out var day) || (ordinal is not null && frequency != Frequency.Monthly))
                        {
                            return Invalid($"BYDAY '{item}' is not a weekday (MO..SU; ordinals such as 2TU only with FREQ=MONTHLY)");
                        }

                        days.Add(new WeekdayNumber(day, ordinal));
                    }

                    rule = rule with { ByDay = days };
                    break;
                case "BYMONTHDAY" when frequency != Frequency.Weekly:
                    var monthDays = new List<int>();
                    foreach (var item in value.Split(','))
                    {
                        if (!int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) || d == 0 || d is < -31 or > 31)
                        {
                            return Invalid($"BYMONTHDAY '{item}' must be 1..31 or -31..-1");
                        }

                        monthDays.Add(d);
                    }

                    rule = rule with { ByMonthDay = monthDays };
                    break;
                case "BYMONTHDAY":
                    return Invalid("BYMONTHDAY does not apply to FREQ=WEEKLY (RFC 5545 3.3.10)");
                default:
                    return Invalid($"{name}={value} is not supported (FREQ, INTERVAL, COUNT, UNTIL, WKST, BYDAY, BYMONTHDAY)");
            }
        }

        if (rule.Count is null && rule.UntilDate is null && rule.UntilInstant is null)
        {
            return Invalid("needs COUNT or UNTIL: a series must end");
        }

        if (rule.Count is not null && (rule.UntilDate is not null || rule.UntilInstant is not null))
        {
            return Invalid("COUNT and UNTIL cannot both be given");
        }

        return rule;
    }

    /// <summary>
    /// The occurrence dates from <paramref name="first"/> on (the first included when it matches),
    /// in order, stopping at COUNT, UNTIL or <see cref="MaxOccurrences"/>. <paramref name="startOf"/>
    /// maps a date to the instant its occurrence starts, for a UTC UNTIL.
    /// </summary>
    public IEnumerable<LocalDate> Dates(LocalDate first, Func<LocalDate, Instant> startOf)
    {
        var produced = 0;
        var limit = Count ?? MaxOccurrences;
        // Twenty years bound the search, also for rules that rarely match (BYMONTHDAY=31 every 12 months)
        // and for intervals so long that date arithmetic would leave the calendar.
        var maxStep = Frequency switch { Frequency.Daily => 20 * 366, Frequency.Weekly => 20 * 53, _ => 20 * 12 };
        for (var period = 0; (long)period * Interval <= maxStep && produced < limit; period++)
        {
            foreach (var date in Candidates(first, period * Interval))
            {
                if (date < first)
                {
                    continue;
                }

                if ((UntilDate is { } untilDate && date > untilDate) || (UntilInstant is { } untilInstant && startOf(date) > untilInstant))
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

    // The dates of the period `step` periods after the first one's, in order, before COUNT and UNTIL.
    private IEnumerable<LocalDate> Candidates(LocalDate first, int step)
    {
        switch (Frequency)
        {
            case Frequency.Daily:
                var day = first.PlusDays(step);
                if (MatchesByDay(day) && MatchesByMonthDay(day))
                {
                    yield return day;
                }

                break;
            case Frequency.Weekly:
                var weekStart = first.PlusDays(-(((int)first.DayOfWeek - (int)WeekStart + 7) % 7)).PlusWeeks(step);
                for (var i = 0; i < 7; i++)
                {
                    var date = weekStart.PlusDays(i);
                    if (ByDay.Count == 0 ? date.DayOfWeek == first.DayOfWeek : ByDay.Any(d => d.Day == date.DayOfWeek))
                    {
                        yield return date;
                    }
                }

                break;
            case Frequency.Monthly:
                var month = new LocalDate(first.Year, first.Month, 1).PlusMonths(step);
                var length = month.Calendar.GetDaysInMonth(month.Year, month.Month);
                for (var i = 0; i < length; i++)
                {
                    var date = month.PlusDays(i);
                    var inMonth = ByMonthDay.Count > 0 ? MatchesByMonthDay(date)
                        : ByDay.Count > 0 || date.Day == first.Day; // neither part: the first's day, skipped where absent
                    if (inMonth && MatchesByDay(date))
                    {
                        yield return date;
                    }
                }

                break;
        }
    }

    // BYDAY as a filter: no BYDAY matches every day; "FR" any Friday; "2FR" / "-1FR" the second / last Friday of the month.
    private bool MatchesByDay(LocalDate date) => ByDay.Count == 0 || ByDay.Any(d => d.Day == date.DayOfWeek && (d.Ordinal is not { } n || IsNthWeekday(date, n)));

    private bool MatchesByMonthDay(LocalDate date)
    {
        if (ByMonthDay.Count == 0)
        {
            return true;
        }

        var length = date.Calendar.GetDaysInMonth(date.Year, date.Month);
        return ByMonthDay.Any(d => (d > 0 ? d : length + d + 1) == date.Day);
    }

    private static bool IsNthWeekday(LocalDate date, int n)
    {
        var length = date.Calendar.GetDaysInMonth(date.Year, date.Month);
        return n > 0 ? (date.Day - 1) / 7 == n - 1 : (length - date.Day) / 7 == -n - 1;
    }

    private static Result<RecurrenceRule> Invalid(string message) => Result<RecurrenceRule>.Fail(ErrorCodes.Validation, $"recurrence {message}.");
}
