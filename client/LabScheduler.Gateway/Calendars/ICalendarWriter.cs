using System.Text;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Gateway.Calendars;

/// <summary>
/// Writes bookings as an RFC 5545 calendar: one VEVENT per booking with a stable UID (the
/// booking id), times in UTC, SEQUENCE from the row version, and cancelled bookings as
/// STATUS:CANCELLED so subscribed calendars remove them. Lines end in CRLF and fold at 75 octets.
/// </summary>
public static class ICalendarWriter
{
    private static readonly InstantPattern UtcStamp = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <summary>What an event says about a booking; the feed decides how much to reveal.</summary>
    public sealed record Event(Booking Booking, string Summary, string? Description, string Location);

    public static string Write(string name, IEnumerable<Event> events)
    {
        var text = new StringBuilder();
        Line(text, "BEGIN:VCALENDAR");
        Line(text, "VERSION:2.0");
        Line(text, "PRODID:-//LabScheduler//Instrument bookings//EN");
        Line(text, "CALSCALE:GREGORIAN");
        Line(text, "METHOD:PUBLISH");
        Line(text, $"X-WR-CALNAME:{Escape(name)}");
        foreach (var e in events)
        {
            var b = e.Booking;
            Line(text, "BEGIN:VEVENT");
            Line(text, $"UID:{b.Id}@labsched");
            Line(text, $"DTSTAMP:{UtcStamp.Format(b.UpdatedAt)}");
            Line(text, $"CREATED:{UtcStamp.Format(b.CreatedAt)}");
            Line(text, $"LAST-MODIFIED:{UtcStamp.Format(b.UpdatedAt)}");
            Line(text, $"SEQUENCE:{b.Version - 1}");
            Line(text, $"DTSTART:{UtcStamp.Format(b.Interval.Start)}");
            Line(text, $"DTEND:{UtcStamp.Format(b.Interval.End)}");
            Line(text, $"SUMMARY:{Escape(e.Summary)}");
            if (e.Description is { Length: > 0 } description)
            {
                Line(text, $"DESCRIPTION:{Escape(description)}");
            }

            Line(text, $"LOCATION:{Escape(e.Location)}");
            Line(text, $"STATUS:{Status(b.Status)}");
            Line(text, "END:VEVENT");
        }

        Line(text, "END:VCALENDAR");
        return text.ToString();
    }

    private static string Status(BookingStatus status) => status switch
    {
        BookingStatus.Pending => "TENTATIVE",
        BookingStatus.Cancelled or BookingStatus.Rejected or BookingStatus.Expired => "CANCELLED",
        _ => "CONFIRMED",
    };

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal);

    // RFC 5545 3.1: lines longer than 75 octets are folded with CRLF and a space, never inside a UTF-8 sequence.
    private static void Line(StringBuilder text, string line)
    {
        var octets = 0;
        var limit = 75;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                text.Append("\r\n ");
                octets = 0;
                limit = 74;
            }

            text.Append(rune.ToString());
            octets += size;
        }

        text.Append("\r\n");
    }
}
