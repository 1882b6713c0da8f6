using System.Globalization;
using System.Text.RegularExpressions;

namespace LabScheduler.Cli.CommandLine;

/// <summary>
/// Checks time arguments before anything is sent, and writes them the way the API reads them
/// (seconds always present, <c>T</c> between date and time). Instants must carry an offset;
/// local date-times must not, because the API reads those in the lab's zone.
/// </summary>
internal static partial class TimeArgument
{
    /// <summary>An RFC 3339 instant with an offset or Z, e.g. 2026-12-01T09:00+08:00.</summary>
    public static string Instant(string option, string value) =>
        TryInstant(value) ?? throw new UsageException(
            $"{option} '{value}' is not an instant with an offset (e.g. 2026-12-01T09:00:00+08:00 or 2026-12-01T01:00:00Z)"
            + (LocalPattern().IsMatch(value) ? "; for lab-local times use --local-start/--local-end" : ""));

    /// <summary>A date (yyyy-MM-dd, read by the API in the zone that applies) or an instant.</summary>
    public static string InstantOrDate(string option, string value)
    {
        if (DatePattern().IsMatch(value))
        {
            return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? value
                : throw new UsageException($"{option} '{value}' is not a calendar date");
        }

        return TryInstant(value) ?? throw new UsageException(
            $"{option} '{value}' is neither a date (2026-12-01) nor an instant with an offset (2026-12-01T09:00:00+08:00)");
    }

    /// <summary>A local date-time without offset, e.g. 2026-12-01T09:00, read in the lab's zone.</summary>
    public static string Local(string option, string value)
    {
        var match = LocalPattern().Match(value);
        if (!match.Success)
        {
            throw new UsageException(InstantPattern().IsMatch(value)
                ? $"{option} '{value}' has an offset; give lab-local time without one, or use --start/--end"
                : $"{option} '{value}' is not a local date-time (e.g. 2026-12-01T09:00)");
        }

        var normalized = $"{match.Groups["date"].Value}T{match.Groups["hm"].Value}{(match.Groups["s"].Success ? match.Groups["s"].Value : ":00")}";
        return DateTime.TryParseExact(normalized, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? normalized
            : throw new UsageException($"{option} '{value}' is not a valid date-time");
    }

    private static string? TryInstant(string value)
    {
        var match = InstantPattern().Match(value);
        if (!match.Success)
        {
            return null;
        }

        var offset = match.Groups["offset"].Value.ToUpperInvariant();
        var normalized = $"{match.Groups["date"].Value}T{match.Groups["hm"].Value}"
            + (match.Groups["s"].Success ? match.Groups["s"].Value : ":00")
            + match.Groups["fraction"].Value
            + offset;
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? normalized : null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<hm>\d{2}:\d{2})(?<s>:\d{2})?(?<fraction>\.\d{1,7})?(?<offset>[Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<hm>\d{2}:\d{2})(?<s>:\d{2})?$")]
    private static partial Regex LocalPattern();
}
