using System.Globalization;
using System.Text.Json;
using LabScheduler.Cli.Http;

namespace LabScheduler.Cli.Output;

/// <summary>
/// Renders the API's zoned spans (<c>{timeZone, start, end}</c>) for people: wall-clock times with
/// the offsets the API gave, never converted again here (the API's IANA database is the one that counts).
/// </summary>
internal static class TimeText
{
    /// <summary><c>2026-12-01 09:00 - 11:00 +08:00</c>; both dates and offsets where they differ.</summary>
    public static string Span(JsonElement span)
    {
        var startText = JsonText.Field(span, "start");
        var endText = JsonText.Field(span, "end");
        if (!TryParse(startText, out var start) || !TryParse(endText, out var end))
        {
            return $"{startText} - {endText}";
        }

        var sameOffset = start.Offset == end.Offset;
        var endPart = start.Date == end.Date && sameOffset ? Clock(end) : $"{Day(end)} {Clock(end)}";
        return sameOffset
            ? $"{Day(start)} {Clock(start)} - {endPart} {Offset(start)}"
            : $"{Day(start)} {Clock(start)} {Offset(start)} - {endPart} {Offset(end)}";
    }

    /// <summary>The span with its zone: <c>2026-12-01 09:00 - 11:00 +08:00 (Asia/Shanghai)</c>.</summary>
    public static string SpanWithZone(JsonElement span) =>
        JsonText.Field(span, "timeZone") is { Length: > 0 } zone ? $"{Span(span)} ({zone})" : Span(span);

    private static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    private static string Day(DateTimeOffset value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset value) =>
        value.ToString(value.Second == 0 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Offset(DateTimeOffset value) =>
        (value.Offset < TimeSpan.Zero ? "-" : "+") + value.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
