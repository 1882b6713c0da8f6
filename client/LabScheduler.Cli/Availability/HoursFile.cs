using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Availability;

/// <summary>
/// An opening-hours file: either the API's JSON body (<c>{"weekly":[...],"closedDates":[...]}</c>) or
/// lines in the lab's local time, one day (or range of days) each:
/// <code>
/// # comments and blank lines are skipped
/// mon-fri   08:00-12:00 13:00-20:00
/// saturday  10:00-14:00
/// sunday    closed
/// closed    2026-12-31 2027-01-01
/// </code>
/// A later line for a day adds to it; <c>22:00-06:00</c> runs overnight; <c>24:00</c> ends the day.
/// </summary>
internal static partial class HoursFile
{
    public static JsonObject Parse(string text, string fileName)
    {
        var trimmed = text.TrimStart('\uFEFF').TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(trimmed)?.AsObject() ?? throw new UsageException($"{fileName}: not a JSON object");
            }
            catch (JsonException e)
            {
                throw new UsageException($"{fileName}: not valid JSON: {e.Message}");
            }
        }

        var weekly = new JsonArray();
        var closed = new JsonArray();
        var number = 0;
        foreach (var raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            number++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words[0].Equals("closed", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var date in words.Skip(1))
                {
                    closed.Add(DatePattern().IsMatch(date) ? date : throw Error(fileName, number, $"'{date}' is not a date (2026-12-31)"));
                }

                continue;
            }

            var days = Days(words[0]) ?? throw Error(fileName, number, $"'{words[0]}' is not a day (monday, mon, mon-fri) or 'closed'");
            if (words.Length < 2)
            {
                throw Error(fileName, number, "give the hours (08:00-20:00) or 'closed' after the day");
            }

            if (words.Length == 2 && words[1].Equals("closed", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var span in words.Skip(1))
            {
                var match = SpanPattern().Match(span);
                if (!match.Success)
                {
                    throw Error(fileName, number, $"'{span}' is not hours such as 08:00-20:00");
                }

                foreach (var day in days)
                {
                    weekly.Add(new JsonObject { ["day"] = day, ["from"] = match.Groups["from"].Value, ["to"] = match.Groups["to"].Value });
                }
            }
        }

        return new JsonObject { ["weekly"] = weekly, ["closedDates"] = closed };
    }

    private static string[]? Days(string word)
    {
        var parts = word.ToLowerInvariant().Split('-');
        if (parts.Length > 2 || parts.Select(Day).Any(d => d < 0))
        {
            return null;
        }

        var first = Day(parts[0]);
        var last = Day(parts[^1]);
        var count = ((last - first + 7) % 7) + 1;
        return [.. Enumerable.Range(0, count).Select(i => WeekGrid.Days[(first + i) % 7])];
    }

    private static int Day(string word) =>
        Array.FindIndex(WeekGrid.Days, d => d == word || (word.Length >= 3 && d.StartsWith(word, StringComparison.Ordinal)));

    private static UsageException Error(string fileName, int line, string message) => new($"{fileName}, line {line}: {message}");

    [GeneratedRegex(@"^(?<from>([01]\d|2[0-3]):[0-5]\d)-(?<to>([01]\d|2[0-3]):[0-5]\d|24:00)$")]
    private static partial Regex SpanPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();
}
