using LabScheduler.Contracts.Common;
using NodaTime;

namespace LabScheduler.Contracts.Bookings;

/// <summary>
/// Reads of bookings across instruments, served from the bookings table (which every
/// acknowledged write has reached), filtered to what the actor may see. Stateless.
/// </summary>
public interface IBookingQueryGrain : IGrainWithIntegerKey
{
    /// <summary>One booking, if the actor may see it (booker, team member, lab manager, admin).</summary>
    Task<CommandResult<Booking>> FindAsync(Actor actor, Guid bookingId);

    /// <summary>A waitlist entry, if the actor may see it (the waiter, the lab's managers, admin).</summary>
    Task<CommandResult<LabScheduler.Contracts.Waitlist.WaitlistEntry>> FindWaitlistEntryAsync(Actor actor, Guid entryId);

    /// <summary>A page of the actor's own waitlist entries, newest first, after the entry created at <paramref name="afterCreatedAt"/> with id <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<LabScheduler.Contracts.Waitlist.WaitlistEntry>> MyWaitlistAsync(Actor actor, Instant? afterCreatedAt, Guid? afterId, int limit);

    /// <summary>The bookings of a series, if the actor may see them.</summary>
    Task<CommandResult<Series>> FindSeriesAsync(Actor actor, Guid seriesId);

    /// <summary>
    /// An instrument's bookings overlapping a window, for its calendar feed (anyone signed in may
    /// read an instrument's calendar; the gateway leaves out who booked it and why).
    /// </summary>
    Task<IReadOnlyList<Booking>> InstrumentCalendarAsync(string instrumentId, Instant from, Instant to);

    /// <summary>How many bookings wait for approval on the labs the actor manages (every lab for administrators).</summary>
    Task<int> PendingApprovalsCountAsync(Actor actor);

    /// <summary>A page of bookings by start, then id, matching the filter and visible to the actor.</summary>
    Task<BookingPage> ListAsync(Actor actor, BookingFilter filter, BookingCursor? after, int limit);
}

[GenerateSerializer, Immutable, Alias("ls.BookingFilter")]
public sealed record BookingFilter
{
    [Id(0)] public string? InstrumentId { get; init; }

    [Id(1)] public string? TeamId { get; init; }

    [Id(2)] public string? UserId { get; init; }

    /// <summary>Bookings that end after this instant.</summary>
    [Id(3)] public Instant? From { get; init; }

    /// <summary>Bookings that start before this instant.</summary>
    [Id(4)] public Instant? To { get; init; }

    [Id(5)] public LabScheduler.Domain.Bookings.BookingStatus? Status { get; init; }

    [Id(6)] public string? LabId { get; init; }
}

/// <summary>Where a page ended: the last booking's start and id.</summary>
[GenerateSerializer, Immutable, Alias("ls.BookingCursor")]
public sealed record BookingCursor([property: Id(0)] Instant Start, [property: Id(1)] Guid Id);

[GenerateSerializer, Immutable, Alias("ls.BookingPage")]
public sealed record BookingPage
{
    [Id(0)] public IReadOnlyList<Booking> Items { get; init; } = [];

    [Id(1)] public BookingCursor? Next { get; init; }
}
