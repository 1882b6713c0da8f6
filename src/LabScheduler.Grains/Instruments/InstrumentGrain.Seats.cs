using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Seats and limits: the database enforces the instrument's capacity and buffer itself (a seat per
/// booking, each seat's blocked times apart; see migration 0031). This part keeps the limits row in
/// step with the rules and chooses seats; the calendar's count rule decides what may be booked.
/// </remarks>
public sealed partial class InstrumentGrain
{
    /// <summary>
    /// The new bookings with seats. Each takes the lowest seat free over its blocked time; when none
    /// is (seats fragmented: a seat free at every instant, but no one seat throughout), the holding
    /// bookings are seated anew first, which always fits what the count rule allowed.
    /// Null when even that does not fit (memory and storage disagree: the caller reloads).
    /// </summary>
    private async Task<IReadOnlyList<Booking>?> SeatAsync(IReadOnlyList<Booking> fresh, BookingRules rules)
    {
        var buffer = Duration.FromMinutes(rules.BufferMinutes);
        var placed = new List<Booking>();
        foreach (var booking in fresh)
        {
            var window = new Interval(booking.Interval.Start - buffer, booking.Interval.End + buffer);
            var near = _calendar.Overlapping(window)
                .Where(e => _holding.ContainsKey(e.Id))
                .Select(e => new SeatedBooking(e.Id, e.Interval, _holding[e.Id].Seat))
                .Concat(placed.Select(p => new SeatedBooking(p.Id, p.Interval, p.Seat)));
            if (Seating.FreeSeat(booking.Interval, buffer, rules.Capacity, near) is not { } seat)
            {
                return await ReseatWithAsync(fresh, rules);
            }

            placed.Add(booking with { Seat = seat });
        }

        return placed;
    }

    private async Task<IReadOnlyList<Booking>?> ReseatWithAsync(IReadOnlyList<Booking> fresh, BookingRules rules)
    {
        var (seated, unseated) = PackHolding(rules.BufferMinutes, rules.Capacity, fresh);
        if (unseated.Count > 0)
        {
            return null;
        }

        var seats = seated.ToDictionary(s => s.Id, s => s.Seat);
        var moved = _holding.Values.Where(b => seats[b.Id] != b.Seat).Select(b => (b.Id, seats[b.Id])).ToList();
        if (await store.SetLimitsAsync(Id, rules.Capacity, rules.BufferMinutes, moved) != WriteOutcome.Written)
        {
            return null;
        }

        LogReseated(logger, Id, moved.Count);
        foreach (var (id, seat) in moved)
        {
            _holding[id] = _holding[id] with { Seat = seat };
        }

        return [.. fresh.Select(b => b with { Seat = seats[b.Id] })];
    }

    /// <summary>Writes the limits the database enforces when they differ from the rules (new instrument, first activation after an upgrade).</summary>
    private async Task EnsureLimitsAsync(BookingRules rules)
    {
        if (await store.LimitsAsync(Id) is { } limits && limits == (rules.Capacity, rules.BufferMinutes))
        {
            return;
        }

        if (await ApplyLimitsAsync(rules) is { Count: > 0 } misfits)
        {
            // Bookings from before the database guarded buffers may break today's rules: guard what they allow.
            LogLegacyMisfits(logger, Id, misfits.Count);
            var seats = PackHolding(0, _holding.Count + 1);
            var needed = Math.Max(rules.Capacity, seats.Seated.Select(s => s.Seat + 1).DefaultIfEmpty(1).Max());
            await ApplyLimitsAsync(rules with { Capacity = needed, BufferMinutes = 0 });
        }
    }

    /// <summary>
    /// Seats the holding bookings for <paramref name="rules"/> and writes its limits; returns the
    /// bookings that do not fit (nothing is written then).
    /// </summary>
    private async Task<IReadOnlyList<Booking>> ApplyLimitsAsync(BookingRules rules)
    {
        var (seated, unseated) = PackHolding(rules.BufferMinutes, rules.Capacity);
        if (unseated.Count > 0)
        {
            return [.. unseated.Select(id => _holding[id])];
        }

        if (await store.SetLimitsAsync(Id, rules.Capacity, rules.BufferMinutes, [.. seated.Select(s => (s.Id, s.Seat))]) != WriteOutcome.Written)
        {
            // Storage holds bookings memory does not know of: read the truth and report it as a conflict.
            await ReloadCalendarAsync(CancellationToken.None);
            return [.. _holding.Values];
        }

        foreach (var s in seated)
        {
            _holding[s.Id] = _holding[s.Id] with { Seat = s.Seat };
        }

        return [];
    }

    /// <summary>
    /// A change of capacity or buffer: refused with <c>rules.conflict</c> listing the future bookings
    /// it would break, unless the manager asked to cancel them; otherwise the limits are written first.
    /// </summary>
    private async Task<Problem?> ChangeLimitsAsync(Actor actor, BookingRules current, BookingRules next, bool cancelConflicting)
    {
        if (current.Capacity == next.Capacity && current.BufferMinutes == next.BufferMinutes)
        {
            return null;
        }

        var misfits = PackHolding(next.BufferMinutes, next.Capacity).Unseated;
        if (misfits.Count > 0 && !cancelConflicting)
        {
            return new Problem(ErrorCodes.RulesConflict,
                $"{misfits.Count} booking(s) would break capacity {next.Capacity} with a {next.BufferMinutes}-minute buffer; cancel or move them, or ask to cancel them (cancelConflicting).")
            {
                Items = [.. misfits.Select(id => _holding[id]).Select(b => $"{b.Id} {b.Interval.Start:uuuu-MM-dd'T'HH:mm:ss'Z'}/{b.Interval.End:uuuu-MM-dd'T'HH:mm:ss'Z'}")],
            };
        }

        foreach (var id in misfits)
        {
            var cancelled = await TransitionAsync(id, BookingStatus.Cancelled, "The instrument's rules changed", actor: actor);
            if (!cancelled.IsSuccess)
            {
                return cancelled.Problem!;
            }
        }

        return await ApplyLimitsAsync(next) is { Count: > 0 } still
            ? new Problem(ErrorCodes.RulesConflict, $"{still.Count} booking(s) were stored meanwhile that break the new rules; nothing was changed.")
            : null;
    }

    // Seats for every booking that holds time (and any new ones) under the given buffer and capacity.
    private (IReadOnlyList<SeatedBooking> Seated, IReadOnlyList<Guid> Unseated) PackHolding(int bufferMinutes, int capacity, IEnumerable<Booking>? fresh = null) =>
        Seating.Pack(_holding.Values.Concat(fresh ?? []).Select(b => (b.Id, b.Interval)), Duration.FromMinutes(bufferMinutes), capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {InstrumentId} moved {Moved} booking(s) to other seats to make room")]
    private static partial void LogReseated(ILogger logger, string instrumentId, int moved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {InstrumentId} holds {Count} booking(s) from before its rules were guarded in storage that break them; the database guards what they allow until they end")]
    private static partial void LogLegacyMisfits(ILogger logger, string instrumentId, int count);
}
