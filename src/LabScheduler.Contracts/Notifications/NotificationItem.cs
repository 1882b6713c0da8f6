using NodaTime;

namespace LabScheduler.Contracts.Notifications;

/// <summary>The states of a notice: waiting for (another) delivery, delivered (or skipped), or given up after its last attempt.</summary>
public static class NotificationStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    public static bool IsKnown(string state) => state is Pending or Delivered or Dead;
}

[GenerateSerializer, Immutable, Alias("ls.NotificationQuery")]
public sealed record NotificationQuery
{
    /// <summary>One of <see cref="NotificationStates"/>.</summary>
    [Id(0)] public required string State { get; init; }

    /// <summary>Where the previous page ended (its last item's creation time and id): items older than that.</summary>
    [Id(1)] public Instant? BeforeCreatedAt { get; init; }

    [Id(2)] public Guid? BeforeId { get; init; }

    [Id(3)] public int Limit { get; init; } = 100;
}

[GenerateSerializer, Immutable, Alias("ls.NotificationItem")]
public sealed record NotificationItem
{
    [Id(0)] public required Guid Id { get; init; }

    [Id(1)] public required string Kind { get; init; }

    /// <summary>The user the notice is for.</summary>
    [Id(2)] public required string Recipient { get; init; }

    [Id(3)] public Guid? BookingId { get; init; }

    /// <summary>One of <see cref="NotificationStates"/>.</summary>
    [Id(4)] public required string State { get; init; }

    [Id(5)] public int Attempts { get; init; }

    [Id(6)] public string? LastError { get; init; }

    [Id(7)] public required Instant CreatedAt { get; init; }

    /// <summary>When it is (or was last) due: the next attempt of a pending one.</summary>
    [Id(8)] public required Instant DueAt { get; init; }

    [Id(9)] public Instant? DeadAt { get; init; }

    [Id(10)] public Instant? DeliveredAt { get; init; }

    /// <summary>The sender that delivered it, or "skipped" (a reminder of a booking no longer holding time).</summary>
    [Id(11)] public string? DeliveredBy { get; init; }
}
