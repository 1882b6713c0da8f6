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

    /// <summary>Whether the booking was made for a capacity-1 instrument (the database forbids overlaps then).</summary>
    [Id(12)] public bool Exclusive { get; init; } = true;
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
}
