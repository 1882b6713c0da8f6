using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using LabScheduler.Persistence.Instruments;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <inheritdoc cref="IInstrumentGrain"/>
/// <remarks>
/// The single writer of its instrument's bookings and settings: conflicts are answered from the
/// in-memory <see cref="BookingCalendar"/>, and every change is committed before it is
/// acknowledged. Should the database refuse a write that memory allowed (another activation wrote
/// first), the grain reloads from the truth. Its settings are its row in the instruments table
/// (which is also the catalog's entry), its blackouts, sign-offs and quotas rows of their own, so
/// nothing it keeps grows with history.
/// </remarks>
public sealed partial class InstrumentGrain(
    InstrumentStore instruments,
    BookingStore store,
    LabScheduler.Persistence.Waitlist.WaitlistStore waitlist,
    IClock clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    // How far back an activation loads bookings that still hold time (ended but not yet completed).
    private static readonly Duration LoadBack = Duration.FromDays(1);

    // The ledger keeps hourly rates as numeric(18,4).
    private const decimal MaxRate = 1_000_000_000m;

    // Check-in opens this long before the start.
    private static readonly Duration CheckInWindow = Duration.FromMinutes(15);

    // How far back memory keeps blackouts: far enough for the share check of this month; reports of older months read the table.
    private static readonly Duration BlackoutMemory = Duration.FromDays(62);

    private readonly BookingCalendar _calendar = new();
    private readonly Dictionary<Guid, Booking> _holding = [];

    // The stored settings, swapped whole after each stored change (null: no such instrument).
    private InstrumentRow? _row;
    private IReadOnlySet<string> _authorized = new HashSet<string>();
    private IReadOnlyDictionary<string, int> _quotas = new Dictionary<string, int>();

    // Blackouts that end after _blackoutsFrom, by start.
    private IReadOnlyList<Blackout> _blackouts = [];
    private Instant _blackoutsFrom;

    private string Id => this.GetPrimaryKeyString();

    private string LabId => _row?.LabId ?? "";

    private DateTimeZone Zone => LabTime.FindZone(_row!.TimeZone).Value;

    // Whole milliseconds: what PostgreSQL stores is what the caller was told.
    private Instant Now() => Instant.FromUnixTimeMilliseconds(clock.GetCurrentInstant().ToUnixTimeMilliseconds());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReloadSettingsAsync();
        if (_row is not { } row)
        {
            return;
        }

        await ReloadCalendarAsync(cancellationToken);
        await LoadWaitlistAsync(cancellationToken);
        await EnsureLimitsAsync(row.Definition.Rules);
    }

    Task<InstrumentView?> IInstrumentGrain.GetAsync() =>
        Task.FromResult(_row is { } row ? View(row) : null);

    Task<Booking?> IInstrumentGrain.GetBookingAsync(Guid bookingId) => FindBookingAsync(bookingId);

    Task<IReadOnlyList<Booking>> IInstrumentGrain.GetCalendarAsync(Interval window) =>
        Task.FromResult<IReadOnlyList<Booking>>([.. _calendar.Overlapping(window).Where(e => _holding.ContainsKey(e.Id)).Select(e => _holding[e.Id])]);

    Task<IReadOnlyList<Interval>> IInstrumentGrain.GetFreeAsync(Interval window)
    {
        if (_row?.Definition is not { } definition)
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
        Zone,
        definition.Rules,
        _row!.OpeningHours,
        [.. _blackouts.Select(b => b.Interval)],
        _row.Status == InstrumentStatus.Active);

    /// <summary>The blackouts that overlap a span: from memory when it keeps that far back, else from the table.</summary>
    private async Task<IReadOnlyList<Blackout>> BlackoutsOverAsync(Interval span) =>
        span.Start >= _blackoutsFrom
            ? [.. _blackouts.Where(b => IntervalMath.Overlaps(b.Interval, span))]
            : await instruments.BlackoutsAsync(Id, span);

    private InstrumentView View(InstrumentRow row) => new()
    {
        Definition = row.Definition,
        LabId = row.LabId,
        TimeZone = row.TimeZone,
        MemberState = row.MemberState,
        Status = row.Status,
        OpeningHours = row.OpeningHours,
        Blackouts = [.. _blackouts],
        AuthorizedUsers = [.. _authorized],
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
