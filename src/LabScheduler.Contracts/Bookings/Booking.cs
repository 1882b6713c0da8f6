using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Contracts.Bookings;

/// <summary>One booking of an instrument by a team, as stored and as answered.</summary>
[GenerateSerializer, Immutable, Alias("ls.Booking")]
public sealed record Booking
{
    [Id(0)] public required Guid Id { get; init; }

    [Id(1)] public required string InstrumentId { get; init; }

    [Id(2)] public required string LabId { get; init; }

    [Id(3)] public required string TeamId { get; init; }

    [Id(4)] public required string UserId { get; init; }

    [Id(5)] public required BookingStatus Status { get; init; }

    /// <summary>The booked time, half-open [start, end).</summary>
    [Id(6)] public required Interval Interval { get; init; }

    [Id(7)] public string Purpose { get; init; } = "";

    [Id(8)] public required Instant CreatedAt { get; init; }

    [Id(9)] public required Instant UpdatedAt { get; init; }

    /// <summary>Optimistic-concurrency version of the stored row; every change adds one.</summary>
    [Id(10)] public int Version { get; init; } = 1;

    /// <summary>Why it was cancelled or rejected, where given.</summary>
    [Id(11)] public string? StatusReason { get; init; }

    /// <summary>Whether the booking was made for a capacity-1 instrument (kept for reports; the database guards every instrument by seats).</summary>
    [Id(12)] public bool Exclusive { get; init; } = true;

    /// <summary>The series this booking was made in, if any.</summary>
    [Id(13)] public Guid? SeriesId { get; init; }

    /// <summary>When the booker checked in.</summary>
    [Id(14)] public Instant? CheckedInAt { get; init; }

    /// <summary>When the session actually ended (check-out, or the booked end when never checked out).</summary>
    [Id(15)] public Instant? EndedAt { get; init; }

    /// <summary>The booking team's country when booked (member-state shares count by it).</summary>
    [Id(16)] public string TeamState { get; init; } = "";

    /// <summary>Soft-rule warnings given with the booking (e.g. a member-state share passed); not stored.</summary>
    [Id(17)] public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The seat (0 .. capacity-1) this booking holds; the database keeps each seat's bookings, buffers included, apart.</summary>
    [Id(18)] public int Seat { get; init; }

    /// <summary>
    /// True when the request was a retry: the booking is the one an earlier attempt with the same id
    /// made, not a new one. Not stored.
    /// </summary>
    [Id(19)] public bool Replayed { get; init; }
}

/// <summary>A request to book: for which team, when, why (the booker is the actor).</summary>
[GenerateSerializer, Immutable, Alias("ls.BookCommand")]
public sealed record BookCommand
{
    /// <summary>Chosen by the caller to make retries idempotent; a new id when absent.</summary>
    [Id(0)] public Guid? BookingId { get; init; }

    [Id(1)] public required string TeamId { get; init; }

    [Id(3)] public required Interval Interval { get; init; }

    [Id(4)] public string Purpose { get; init; } = "";

    /// <summary>
    /// The request's Idempotency-Key, when it has one: its row is written in the booking's own
    /// statement, so the key is taken exactly when the booking is stored.
    /// </summary>
    [Id(5)] public RequestKey? Key { get; init; }
}

/// <summary>
/// An Idempotency-Key of the booker's, with the hash of the request it came with, the response's
/// Location and when the gateway received it, as the key's row keeps them for a retry (keys are
/// timed by the gateways' clock, which also purges them).
/// </summary>
[GenerateSerializer, Immutable, Alias("ls.RequestKey")]
public sealed record RequestKey
{
    [Id(0)] public required string Key { get; init; }

    [Id(1)] public required byte[] RequestHash { get; init; }

    [Id(2)] public required string Location { get; init; }

    [Id(3)] public required NodaTime.Instant At { get; init; }
}

/// <summary>A request to book a recurring series: the first occurrence and an RFC 5545 RRULE.</summary>
[GenerateSerializer, Immutable, Alias("ls.SeriesCommand")]
public sealed record SeriesCommand
{
    /// <summary>Chosen by the caller to make retries idempotent; a new id when absent.</summary>
    [Id(0)] public Guid? SeriesId { get; init; }

    [Id(1)] public required string TeamId { get; init; }

    /// <summary>The first occurrence; later ones repeat its local times in the lab's zone.</summary>
    [Id(2)] public required Interval First { get; init; }

    [Id(3)] public required string Recurrence { get; init; }

    [Id(4)] public string Purpose { get; init; } = "";
}

/// <summary>The bookings of a series, all made at once.</summary>
[GenerateSerializer, Immutable, Alias("ls.Series")]
public sealed record Series([property: Id(0)] Guid SeriesId, [property: Id(1)] IReadOnlyList<Booking> Items);
