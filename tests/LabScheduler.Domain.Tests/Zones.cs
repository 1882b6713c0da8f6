using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Domain.Tests;

/// <summary>Helpers to write instants and local times readably in tests.</summary>
internal static class Zones
{
    public static DateTimeZone Berlin => DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    public static DateTimeZone Cairo => DateTimeZoneProviders.Tzdb["Africa/Cairo"];
    public static DateTimeZone Kolkata => DateTimeZoneProviders.Tzdb["Asia/Kolkata"];
    public static DateTimeZone Tehran => DateTimeZoneProviders.Tzdb["Asia/Tehran"];
    public static DateTimeZone Kathmandu => DateTimeZoneProviders.Tzdb["Asia/Kathmandu"];
    public static DateTimeZone Almaty => DateTimeZoneProviders.Tzdb["Asia/Almaty"];
    public static DateTimeZone Shanghai => DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>An instant from "2026-03-29T01:00:00Z".</summary>
    public static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    /// <summary>A local date-time from "2026-03-29T02:30".</summary>
    public static LocalDateTime Local(string text) => LocalDateTimePattern.GeneralIso.Parse(text.Length == 16 ? text + ":00" : text).Value;

    public static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).Value;

    public static LocalTime Time(string text) => LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).Value;

    public static Interval Between(string start, string end) => new(Utc(start), Utc(end));
}
