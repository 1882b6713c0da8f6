using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Contracts.Schedule;

/// <summary>
/// The web app's views of time across instruments: the schedule of many instruments at once
/// (closed, busy, free) and what an instrument is doing now. Stateless; bookings from the bookings
/// table, settings from the instruments, booking details only where the actor may see them.
/// </summary>
public interface IScheduleGrain : IGrainWithIntegerKey
{
    public const int MaxInstruments = 200;

    /// <summary>Closed, busy and free time of every instrument the query names, sorted by lab then name; validation above <see cref="MaxInstruments"/>.</summary>
    Task<CommandResult<IReadOnlyList<ScheduleItem>>> GetAsync(Actor actor, ScheduleQuery query);

    /// <summary>Whether the instrument is free, busy or closed now and until when; the current and next bookings only for their booker's team.</summary>
    Task<CommandResult<InstrumentNow>> NowAsync(Actor actor, string instrumentId);
}

[GenerateSerializer, Immutable, Alias("ls.ScheduleQuery")]
public sealed record ScheduleQuery
{
    [Id(0)] public string? LabId { get; init; }

    [Id(1)] public string? Category { get; init; }

    [Id(2)] public IReadOnlyList<string>? InstrumentIds { get; init; }

    [Id(3)] public required Interval Window { get; init; }
}

[GenerateSerializer, Immutable, Alias("ls.ScheduleItem")]
public sealed record ScheduleItem
{
    [Id(0)] public required InstrumentView Instrument { get; init; }

    [Id(1)] public required string LabName { get; init; }

    [Id(2)] public IReadOnlyList<ClosedSpan> Closed { get; init; } = [];

    [Id(3)] public IReadOnlyList<BusySpan> Busy { get; init; } = [];

    [Id(4)] public IReadOnlyList<Interval> Free { get; init; } = [];
}

/// <summary>Time the instrument cannot be booked: kind "closed" (opening hours), "blackout" (with its reason) or "maintenance" (not active).</summary>
[GenerateSerializer, Immutable, Alias("ls.ClosedSpan")]
public sealed record ClosedSpan([property: Id(0)] Interval Interval, [property: Id(1)] string Kind, [property: Id(2)] string? Reason);

/// <summary>
/// Time held by bookings. <see cref="Details"/> only for a booking the actor may see; with seats,
/// bookings the actor may not see are merged into stretches of <see cref="SeatsTaken"/> seats.
/// </summary>
[GenerateSerializer, Immutable, Alias("ls.BusySpan")]
public sealed record BusySpan(
    [property: Id(0)] Interval Interval,
    [property: Id(1)] int? SeatsTaken,
    [property: Id(2)] bool Mine,
    [property: Id(3)] BusyDetails? Details);

[GenerateSerializer, Immutable, Alias("ls.BusyDetails")]
public sealed record BusyDetails(
    [property: Id(0)] Guid BookingId,
    [property: Id(1)] BookingStatus Status,
    [property: Id(2)] string TeamId,
    [property: Id(3)] string UserId,
    [property: Id(4)] string Purpose);

[GenerateSerializer, Immutable, Alias("ls.InstrumentNow")]
public sealed record InstrumentNow
{
    [Id(0)] public required InstrumentView Instrument { get; init; }

    /// <summary>"free", "busy" or "closed".</summary>
    [Id(1)] public required string State { get; init; }

    /// <summary>When the state next changes, when known within the instrument's horizon.</summary>
    [Id(2)] public Instant? Until { get; init; }

    [Id(3)] public Booking? Current { get; init; }

    [Id(4)] public Booking? Next { get; init; }
}
