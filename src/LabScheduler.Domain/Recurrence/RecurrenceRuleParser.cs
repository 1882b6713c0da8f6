using System.Globalization;
using LabScheduler.Domain.Errors;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Domain.Recurrence;

/// <summary>
/// Reads RRULE text into a <see cref="RecurrenceRule"/>. A part RFC 5545 defines but bookings do
/// not support (FREQ=HOURLY, BYHOUR, BYWEEKNO...) is refused by name, never ignored, so a rule is
/// never expanded to mean less than it says.
/// </summary>
internal static class RecurrenceRuleParser
{
    private const string Supported = "FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST";

    private static readonly Dictionary<string, IsoDayOfWeek> Days = new()
    {
        ["MO"] = IsoDayOfWeek.Monday, ["TU"] = IsoDayOfWeek.Tuesday, ["WE"] = IsoDayOfWeek.Wednesday, ["TH"] = IsoDayOfWeek.Thursday,
        ["FR"] = IsoDayOfWeek.Friday, ["SA"] = IsoDayOfWeek.Saturday, ["SU"] = IsoDayOfWeek.Sunday,
    };

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

        if (!parts.TryGetValue("FREQ", out var freq) || !Enum.TryParse<Frequency>(freq, ignoreCase: true, out var frequency)
            || !Enum.IsDefined(frequency) || !freq.All(char.IsLetter))
        {
            return Invalid("FREQ must be DAILY, WEEKLY or MONTHLY");
        }

        var rule = new RecurrenceRule { Frequency = frequency };
        foreach (var (name, value) in parts)
        {
            Result<RecurrenceRule> next = name switch
            {
                "FREQ" => rule,
                "WKST" => Days.TryGetValue(value, out var weekStart) ? rule with { WeekStart = weekStart } : Invalid("WKST must be MO..SU"),
                "INTERVAL" => Number(value, 1, 366) is { } interval ? rule with { Interval = interval } : Invalid("INTERVAL must be 1..366"),
                "COUNT" => Number(value, 1, RecurrenceRule.MaxOccurrences) is { } count
                    ? rule with { Count = count }
                    : Invalid($"COUNT must be 1..{RecurrenceRule.MaxOccurrences}"),
                "UNTIL" => Until(rule, value),
                "BYDAY" => ByDay(rule, value),
                "BYMONTHDAY" when frequency == Frequency.Weekly => Invalid("BYMONTHDAY cannot be used with FREQ=WEEKLY (RFC 5545 3.3.10)"),
                "BYMONTHDAY" => Numbers(value, 31, allowNegative: true) is { } monthDays
                    ? rule with { ByMonthDay = monthDays }
                    : Invalid("BYMONTHDAY must list 1..31 or -31..-1"),
                "BYMONTH" => Numbers(value, 12, allowNegative: false) is { } months ? rule with { ByMonth = months } : Invalid("BYMONTH must list 1..12"),
                "BYSETPOS" => Numbers(value, 366, allowNegative: true) is { } positions
                    ? rule with { BySetPosition = positions }
                    : Invalid("BYSETPOS must list 1..366 or -366..-1"),
                _ => Invalid($"{name}={value} is not supported (supported: {Supported})"),
            };

            if (!next.IsSuccess)
            {
                return next;
            }

            rule = next.Value;
        }

        if (rule.Count is null && rule.UntilDate is null && rule.UntilInstant is null)
        {
            return Invalid("needs COUNT or UNTIL: a series must end");
        }

        if (rule.Count is not null && (rule.UntilDate is not null || rule.UntilInstant is not null))
        {
            return Invalid("COUNT and UNTIL cannot both be given");
        }

        if (rule.BySetPosition.Count > 0 && rule.ByDay.Count == 0 && rule.ByMonthDay.Count == 0 && rule.ByMonth.Count == 0)
        {
            return Invalid("BYSETPOS needs another BYxxx part to pick from (RFC 5545 3.3.10)");
        }

        return rule;
    }

    private static Result<RecurrenceRule> Until(RecurrenceRule rule, string value)
    {
        if (LocalDatePattern.CreateWithInvariantCulture("uuuuMMdd").Parse(value) is { Success: true } date)
        {
            return rule with { UntilDate = date.Value };
        }

        if (InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Parse(value) is { Success: true } instant)
        {
            return rule with { UntilInstant = instant.Value };
        }

        return Invalid("UNTIL must be a date (20270131) or a UTC date-time (20270131T235959Z)");
    }

    private static Result<RecurrenceRule> ByDay(RecurrenceRule rule, string value)
    {
        var days = new List<WeekdayNumber>();
        foreach (var item in value.Split(','))
        {
            var code = item.Length >= 2 ? item[^2..] : "";
            var ordinalText = item.Length >= 2 ? item[..^2] : "";
            if (!Days.TryGetValue(code, out var day))
            {
                return Invalid($"BYDAY '{item}' is not a weekday (MO..SU, with an ordinal such as 2TU or -1FR for FREQ=MONTHLY)");
            }

            int? ordinal = null;
            if (ordinalText.Length > 0)
            {
                if (rule.Frequency != Frequency.Monthly)
                {
                    return Invalid($"BYDAY '{item}' has an ordinal, which only FREQ=MONTHLY allows (RFC 5545 3.3.10)");
                }

                if (!int.TryParse(ordinalText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n == 0 || n is < -5 or > 5)
                {
                    return Invalid($"BYDAY '{item}' must have an ordinal 1..5 or -5..-1");
                }

                ordinal = n;
            }

            days.Add(new WeekdayNumber(day, ordinal));
        }

        return rule with { ByDay = days };
    }

    private static int? Number(string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;

    /// <summary>A comma list of 1..max (and -max..-1 when allowed); null when any item is not.</summary>
    private static List<int>? Numbers(string value, int max, bool allowNegative)
    {
        var numbers = new List<int>();
        foreach (var item in value.Split(','))
        {
            var style = allowNegative ? NumberStyles.AllowLeadingSign : NumberStyles.None;
            if (!int.TryParse(item, style, CultureInfo.InvariantCulture, out var n) || n == 0 || n < -max || n > max)
            {
                return null;
            }

            numbers.Add(n);
        }

        return numbers;
    }

    private static Result<RecurrenceRule> Invalid(string message) => Result<RecurrenceRule>.Fail(ErrorCodes.Validation, $"recurrence {message}.");
}
