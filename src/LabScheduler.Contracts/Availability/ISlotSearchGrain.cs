using LabScheduler.Contracts.Common;
using NodaTime;

namespace LabScheduler.Contracts.Availability;

/// <summary>
/// Cross-lab slot search: the earliest free slots of a length on every active instrument of a
/// category that the actor may book, from the catalog and the bookings table (no instrument is
/// activated). Stateless; answers are advisory, the booking itself decides.
/// </summary>
public interface ISlotSearchGrain : IGrainWithIntegerKey
{
    Task<IReadOnlyList<Slot>> FindAsync(Actor actor, SlotQuery query);
}

[GenerateSerializer, Immutable, Alias("ls.SlotQuery")]
public sealed record SlotQuery
{
    [Id(0)] public required string Category { get; init; }

    [Id(1)] public required Duration Length { get; init; }

    [Id(2)] public required Interval Window { get; init; }

    [Id(3)] public string? MemberState { get; init; }

    [Id(4)] public int Limit { get; init; } = 100;
}

[GenerateSerializer, Immutable, Alias("ls.Slot")]
public sealed record Slot(
    [property: Id(0)] string InstrumentId,
    [property: Id(1)] string LabId,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] Interval Interval);
