using NodaTime;

namespace LabScheduler.Contracts.Waitlist;

/// <summary>Where a waitlist entry stands.</summary>
public enum WaitlistStatus
{
    Waiting = 0,
    Offered = 1,
    Booked = 2,
    Expired = 3,
    Withdrawn = 4,
}

/// <summary>A researcher's place in line for a taken interval of an instrument.</summary>
[GenerateSerializer, Immutable, Alias("ls.WaitlistEntry")]
public sealed record WaitlistEntry
{
    [Id(0)] public required Guid Id { get; init; }

    [Id(1)] public required string InstrumentId { get; init; }

    [Id(2)] public required string TeamId { get; init; }

    [Id(3)] public required string UserId { get; init; }

    [Id(4)] public required Interval Interval { get; init; }

    [Id(5)] public required WaitlistStatus Status { get; init; }

    [Id(6)] public required Instant CreatedAt { get; init; }

    [Id(7)] public required Instant UpdatedAt { get; init; }

    /// <summary>While offered: the time is held for the waiter until then.</summary>
    [Id(8)] public Instant? OfferExpiresAt { get; init; }

    /// <summary>Once booked: the booking made from this entry.</summary>
    [Id(9)] public Guid? BookingId { get; init; }

    [Id(10)] public int Version { get; init; } = 1;

    public static string ToWire(WaitlistStatus status) => status.ToString().ToLowerInvariant();

    public static WaitlistStatus? FromWire(string? wire) =>
        Enum.GetValues<WaitlistStatus>().Cast<WaitlistStatus?>().FirstOrDefault(s => ToWire(s!.Value) == wire);
}

/// <summary>A request to join the waitlist of an interval.</summary>
[GenerateSerializer, Immutable, Alias("ls.WaitlistCommand")]
public sealed record WaitlistCommand
{
    [Id(0)] public required string TeamId { get; init; }

    [Id(1)] public required Interval Interval { get; init; }

    /// <summary>Chosen by the caller to make retries idempotent; a new id when absent.</summary>
    [Id(2)] public Guid? EntryId { get; init; }
}
