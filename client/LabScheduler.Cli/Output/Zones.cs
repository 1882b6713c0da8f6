using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Cli.Output;

/// <summary>Time zones and instants for display, with NodaTime's bundled IANA database (never the host's).</summary>
internal static class Zones
{
    private static readonly OffsetDateTimePattern Local = OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm' 'o<+HH:mm>");

    private static readonly OffsetPattern OffsetText = OffsetPattern.CreateWithInvariantCulture("+HH:mm");

    public static DateTimeZone? Find(string? id) => string.IsNullOrEmpty(id) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id);

    /// <summary>An RFC 3339 instant from the API as <c>2026-12-01 09:00 +08:00</c> in <paramref name="zone"/>; the text itself when it is not one.</summary>
    public static string Show(string instant, DateTimeZone zone)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(instant);
        if (!parsed.Success)
        {
            var offset = OffsetDateTimePattern.ExtendedIso.Parse(instant);
            if (!offset.Success)
            {
                return instant;
            }

            parsed = ParseResult<Instant>.ForValue(offset.Value.ToInstant());
        }

        return Local.Format(parsed.Value.InZone(zone).ToOffsetDateTime());
    }

    /// <summary>The offset of <paramref name="zone"/> at <paramref name="instant"/>, as <c>UTC+08:00</c>.</summary>
    public static string Offset(DateTimeZone zone, Instant instant)
    {
        return "UTC" + OffsetText.Format(zone.GetUtcOffset(instant));
    }
}
