using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <inheritdoc cref="IInstrumentGrain"/>
/// <remarks>
/// The single writer of its instrument's bookings: conflicts are answered from the in-memory
/// <see cref="BookingCalendar"/>, and every change is committed to the bookings table before
/// it is acknowledged. Should the database refuse a write that memory allowed (another
/// activation wrote first), the grain reloads its calendar and answers from the truth.
/// </remarks>
public sealed partial class InstrumentGrain(
    [PersistentState("instrument", StorageNames.Default)] IPersistentState<InstrumentState> state,
    BookingStore store,
    LabScheduler.Persistence.Waitlist.WaitlistStore waitlist,
    Auditor audit,
    IClock clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    // How far back an activation loads bookings that still hold time (ended but not yet completed).
    private static readonly Duration LoadBack = Duration.FromDays(1);

    // The ledger keeps hourly rates as numeric(18,4).
    private const decimal MaxRate = 1_000_000_000m;

    // Check-in opens this long before the start.
    private static readonly Duration CheckInWindow = Duration.FromMinutes(15);

    private readonly BookingCalendar _calendar = new();
    private readonly Dictionary<Guid, Booking> _holding = [];

    private string Id => this.GetPrimaryKeyString();

    // Whole milliseconds: what PostgreSQL stores is what the caller was told.
    private Instant Now() => Instant.FromUnixTimeMilliseconds(clock.GetCurrentInstant().ToUnixTimeMilliseconds());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            await ReloadCalendarAsync(cancellationToken);
            await LoadWaitlistAsync(cancellationToken);
            if (state.State.Definition is { } definition)
            {
                await EnsureLimitsAsync(definition.Rules);
            }
        }
    }

    Task<InstrumentView?> IInstrumentGrain.GetAsync() =>
        Task.FromResult(state.State.Definition is { } definition ? View(definition) : null);

    Task<Booking?> IInstrumentGrain.GetBookingAsync(Guid bookingId) => FindBookingAsync(bookingId);

    Task<IReadOnlyList<Booking>> IInstrumentGrain.GetCalendarAsync(Interval window) =>
        Task.FromResult<IReadOnlyList<Booking>>([.. _calendar.Overlapping(window).Where(e => _holding.ContainsKey(e.Id)).Select(e => _holding[e.Id])]);

    Task<IReadOnlyList<Interval>> IInstrumentGrain.GetFreeAsync(Interval window)
    {
        if (state.State.Definition is not { } definition)
        {
            return Task.FromResult<IReadOnlyList<Interval>>([]);
        }

        // Nothing before now can be booked.
        var now = Now();
        var from = IntervalMath.Max(window.Start, now);
        return Task.FromResult(from >= window.End ? [] : FreeTime.Compute(new Interval(from, window.End), Schedule(definition), _calendar));
    }

    private async Task<Booking?> FindBookingAsync(Guid bookingId)
    {
        if (_holding.TryGetValue(bookingId, out var held))
        {
            return held;
        }

        var stored = await store.FindAsync(bookingId);
        return stored?.InstrumentId == Id ? stored : null;
    }

    private async Task ReloadCalendarAsync(CancellationToken cancellationToken)
    {
        var rows = await store.LoadHoldingTimeAsync(Id, Now() - LoadBack, cancellationToken);
        foreach (var entry in _calendar.Entries.ToList())
        {
            Release(entry.Id);
        }

        foreach (var row in rows)
        {
            Hold(row);
        }

        foreach (var offer in _waitlist.Where(w => w.Status == LabScheduler.Contracts.Waitlist.WaitlistStatus.Offered))
        {
            _calendar.Add(offer.Id, offer.Interval);
        }
    }

    private void Hold(Booking booking)
    {
        _holding[booking.Id] = booking;
        _calendar.Add(booking.Id, booking.Interval);
    }

    private void Release(Guid bookingId)
    {
        _holding.Remove(bookingId);
        _calendar.Remove(bookingId);
    }

    private InstrumentSchedule Schedule(InstrumentDefinition definition) => new(
        LabTime.FindZone(state.State.TimeZone).Value,
        definition.Rules,
        state.State.OpeningHours,
        [.. state.State.Blackouts.Select(b => b.Interval)],
        state.State.Status == InstrumentStatus.Active);

    private InstrumentView View(InstrumentDefinition definition) => new()
    {
        Definition = definition,
        LabId = state.State.LabId,
        TimeZone = state.State.TimeZone,
        MemberState = state.State.MemberState,
        Status = state.State.Status,
        OpeningHours = state.State.OpeningHours,
        Blackouts = [.. state.State.Blackouts],
        AuthorizedUsers = [.. state.State.AuthorizedUsers],
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instrument {InstrumentId} booked {BookingId} from {Start} to {End}")]
    private static partial void LogBooked(ILogger logger, string instrumentId, Guid bookingId, Instant start, Instant end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {InstrumentId}: the database refused an overlap memory allowed ({Start} to {End}); reloading the calendar")]
    private static partial void LogRefusedByDatabase(ILogger logger, string instrumentId, Instant start, Instant end);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instrument {InstrumentId}: booking {BookingId} could not be moved on by the sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string instrumentId, Guid bookingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {InstrumentId}: booking {BookingId} became {Status} as time passed")]
    private static partial void LogSwept(ILogger logger, string instrumentId, Guid bookingId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {InstrumentId} blacked out {Start} to {End}, cancelling {Cancelled} booking(s)")]
    private static partial void LogBlackout(ILogger logger, string instrumentId, Instant start, Instant end, int cancelled);
}
