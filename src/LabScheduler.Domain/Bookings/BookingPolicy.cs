using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Bookings;

/// <summary>Everything about an instrument that decides whether a booking may be made.</summary>
public sealed record InstrumentSchedule(
    DateTimeZone Zone,
    BookingRules Rules,
    OpeningHours OpeningHours,
    IReadOnlyList<Interval> Blackouts,
    bool IsActive);

/// <summary>The booking rules of the HTTP API, checked in the contract's order.</summary>
public static class BookingPolicy
{
    /// <summary>
    /// Ok when <paramref name="requested"/> may be booked at <paramref name="now"/> given the
    /// schedule and the calendar; otherwise the first rule it breaks, with its stable code.
    /// </summary>
    public static Result<Interval> Check(Interval requested, Instant now, InstrumentSchedule schedule, BookingCalendar calendar)
    {
        var rules = schedule.Rules;
        var zone = schedule.Zone;
        if (!schedule.IsActive)
        {
            return Fail(ErrorCodes.InstrumentUnavailable, "The instrument is not bookable now (maintenance or retired).");
        }

        if (requested.End <= requested.Start)
        {
            return Fail(ErrorCodes.Validation, "The end must be after the start.");
        }

        if (requested.Start < now)
        {
            return Fail(ErrorCodes.InPast, $"The start {Render(requested.Start, zone)} has already passed.");
        }

        var earliest = now + Duration.FromMinutes(rules.LeadMinutes);
        if (requested.Start < earliest)
        {
            return Fail(ErrorCodes.LeadTime, $"Bookings must start at least {rules.LeadMinutes} minutes ahead, at {Render(earliest, zone)} or later.");
        }

        var latest = now + Duration.FromDays(rules.HorizonDays);
        if (requested.Start > latest)
        {
            return Fail(ErrorCodes.BeyondHorizon, $"Bookings may start at most {rules.HorizonDays} days ahead, by {Render(latest, zone)}.");
        }

        var minutes = requested.Duration.TotalMinutes;
        if (minutes < rules.MinMinutes)
        {
            return Fail(ErrorCodes.TooShort, $"A booking lasts at least {rules.MinMinutes} minutes; this one {minutes:0.#}.");
        }

        if (minutes > rules.MaxMinutes)
        {
            return Fail(ErrorCodes.TooLong, $"A booking lasts at most {rules.MaxMinutes} minutes; this one {minutes:0.#}.");
        }

        if (!OnGrid(requested.Start, zone, rules.SlotMinutes) || !OnGrid(requested.End, zone, rules.SlotMinutes))
        {
            return Fail(ErrorCodes.OffGrid, $"Starts and ends lie on a {rules.SlotMinutes}-minute grid in the lab's local time ({zone.Id}).");
        }

        if (!schedule.OpeningHours.Covers(requested, zone))
        {
            return Fail(ErrorCodes.OutsideOpeningHours, $"{Render(requested, zone)} is not wholly inside the opening hours.");
        }

        foreach (var blackout in schedule.Blackouts)
        {
            if (IntervalMath.Overlaps(blackout, requested))
            {
                return Fail(ErrorCodes.BookingConflict, $"The instrument is blacked out {Render(blackout, zone)}.");
            }
        }

        var conflict = calendar.FindConflict(requested, Duration.FromMinutes(rules.BufferMinutes), rules.Capacity);
        if (conflict is not null)
        {
            return Fail(ErrorCodes.BookingConflict, $"Overlaps the booking {Render(conflict.Interval, zone)}" +
                (rules.BufferMinutes > 0 ? $" (with its {rules.BufferMinutes}-minute buffer)." : "."));
        }

        return requested;
    }

    /// <summary>Whether an instant lies on the slot grid counted from local midnight.</summary>
    public static bool OnGrid(Instant instant, DateTimeZone zone, int slotMinutes)
    {
        var local = instant.InZone(zone).LocalDateTime;
        var sinceMidnight = local.TimeOfDay.TickOfDay;
        return sinceMidnight % (slotMinutes * NodaConstants.TicksPerMinute) == 0;
    }

    private static Result<Interval> Fail(string code, string detail) => Result<Interval>.Fail(code, detail);

    private static string Render(Instant instant, DateTimeZone zone) =>
        instant.InZone(zone).ToOffsetDateTime().ToString("uuuu-MM-dd'T'HH:mmo<+HH:mm>", null);

    private static string Render(Interval interval, DateTimeZone zone) =>
        $"{Render(interval.Start, zone)} to {Render(interval.End, zone)}";
}
