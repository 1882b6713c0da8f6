using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Availability;

/// <summary>Earliest bookable slots of a given length within free intervals, by an instrument's rules.</summary>
public static class SlotFinder
{
    /// <summary>
    /// Up to <paramref name="limit"/> back-to-back slots of <paramref name="length"/>, earliest first:
    /// each starts on the instrument's grid in its lab's local time, no earlier than now plus the
    /// lead time, no later than the horizon, and lies inside one free interval. None when the length
    /// breaks the instrument's minimum or maximum.
    /// </summary>
    /// <param name="notAfter">When given, no slot starts after it (a caller that already holds enough earlier slots).</param>
    public static IReadOnlyList<Interval> Earliest(
        IReadOnlyList<Interval> free, Duration length, Instant now, BookingRules rules, DateTimeZone zone, int limit, Instant? notAfter = null)
    {
        var minutes = length.TotalMinutes;
        if (minutes < rules.MinMinutes || minutes > rules.MaxMinutes || limit <= 0)
        {
            return [];
        }

        var earliest = now + Duration.FromMinutes(rules.LeadMinutes);
        var latest = now + Duration.FromDays(rules.HorizonDays);
        if (notAfter is { } bound && bound < latest)
        {
            latest = bound;
        }

        var slots = new List<Interval>();
        foreach (var interval in free)
        {
            var start = NextOnGrid(IntervalMath.Max(interval.Start, earliest), zone, rules.SlotMinutes);
            while (start + length <= interval.End && start <= latest && slots.Count < limit)
            {
                var slot = new Interval(start, start + length);
                if (BookingPolicy.OnGrid(slot.End, zone, rules.SlotMinutes))
                {
                    slots.Add(slot);
                    start = slot.End;
                }
                else
                {
                    start = NextOnGrid(start + Duration.FromMinutes(1), zone, rules.SlotMinutes);
                }
            }

            if (slots.Count >= limit || start > latest)
            {
                break;
            }
        }

        return slots;
    }

    /// <summary>The first instant at or after <paramref name="instant"/> on the local grid.</summary>
    public static Instant NextOnGrid(Instant instant, DateTimeZone zone, int slotMinutes)
    {
        // Whole minutes first, then step a minute at a time; a day holds at most 1440 steps.
        var candidate = Instant.FromUnixTimeTicks((instant.ToUnixTimeTicks() + NodaConstants.TicksPerMinute - 1) / NodaConstants.TicksPerMinute * NodaConstants.TicksPerMinute);
        for (var i = 0; i <= 1440 && !BookingPolicy.OnGrid(candidate, zone, slotMinutes); i++)
        {
            candidate += Duration.FromMinutes(1);
        }

        return candidate;
    }
}
