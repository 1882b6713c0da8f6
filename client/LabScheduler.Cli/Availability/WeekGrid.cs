using System.Text;
using System.Text.Json;
using LabScheduler.Cli.Http;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Cli.Availability;

/// <summary>
/// Weekly opening hours as a grid of the 24 hours of each day in the lab's zone: '█' where the
/// instrument is open for any part of the hour, '·' where it is closed. An overnight interval
/// (from after to) runs into the next day; "24:00" is the end of the day.
/// </summary>
internal static class WeekGrid
{
    public static readonly string[] Days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    private static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    /// <summary>Open minutes of each day (Monday first) as 0..1440 ranges.</summary>
    public static List<(int From, int To)>[] Minutes(JsonElement weekly)
    {
        var days = Days.Select(_ => new List<(int From, int To)>()).ToArray();
        foreach (var interval in weekly.ValueKind == JsonValueKind.Array ? weekly.EnumerateArray() : default)
        {
            var day = Array.IndexOf(Days, JsonText.Field(interval, "day"));
            var from = MinuteOfDay(JsonText.Field(interval, "from"));
            var to = MinuteOfDay(JsonText.Field(interval, "to"));
            if (day < 0 || from is null || to is null)
            {
                continue;
            }

            if (from < to)
            {
                days[day].Add((from.Value, to.Value));
            }
            else
            {
                // Overnight: to the end of this day, then from midnight of the next.
                days[day].Add((from.Value, 1440));
                days[(day + 1) % 7].Add((0, to.Value));
            }
        }

        return days;
    }

    /// <summary>The row of one day: 24 cells.</summary>
    public static string Row(IReadOnlyList<(int From, int To)> open)
    {
        var row = new StringBuilder(24);
        for (var hour = 0; hour < 24; hour++)
        {
            row.Append(open.Any(o => o.From < (hour + 1) * 60 && o.To > hour * 60) ? '█' : '·');
        }

        return row.ToString();
    }

    /// <summary>The hour ruler above the rows: 00, 06, 12, 18 at their columns.</summary>
    public static string Ruler => "00    06    12    18    ";

    /// <summary>The intervals of one day as text, e.g. <c>08:00-12:00 13:00-20:00</c>, or <c>closed</c>.</summary>
    public static string Intervals(IReadOnlyList<(int From, int To)> open) =>
        open.Count == 0 ? "closed" : string.Join(' ', open.OrderBy(o => o.From).Select(o => $"{Text(o.From)}-{Text(o.To)}"));

    private static string Text(int minute) => minute == 1440 ? "24:00" : $"{minute / 60:00}:{minute % 60:00}";

    private static int? MinuteOfDay(string text)
    {
        if (text == "24:00")
        {
            return 1440;
        }

        var parsed = Clock.Parse(text);
        return parsed.Success ? (parsed.Value.Hour * 60) + parsed.Value.Minute : null;
    }
}
