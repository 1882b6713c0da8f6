using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Gateway.Views;

/// <summary>An interval rendered in one zone, with the offsets in force then (bundled IANA database).</summary>
public sealed record ZonedSpan(string TimeZone, string Start, string End)
{
    private static readonly OffsetDateTimePattern Pattern = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'sso<+HH:mm>");

    public static ZonedSpan Of(Interval interval, DateTimeZone zone) =>
        new(zone.Id, Render(interval.Start, zone), Render(interval.End, zone));

    public static string Render(Instant instant, DateTimeZone zone) => Pattern.Format(instant.InZone(zone).ToOffsetDateTime());
}

/// <summary>Instants in UTC as the contract writes them ("...Z").</summary>
public static class Utc
{
    public static string Render(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
}

/// <summary>An interval in UTC with its renderings in the lab's and the requester's zones.</summary>
public sealed record IntervalView(string Start, string End, ZonedSpan Lab, ZonedSpan Requester)
{
    public static IntervalView Of(Interval interval, DateTimeZone lab, DateTimeZone requester) =>
        new(Utc.Render(interval.Start), Utc.Render(interval.End), ZonedSpan.Of(interval, lab), ZonedSpan.Of(interval, requester));
}

/// <summary>A page of a list: the items and the cursor of the next page, or null.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
