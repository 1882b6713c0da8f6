using LabScheduler.Domain.Availability;
using NodaTime;

namespace LabScheduler.Contracts.Instruments;

/// <summary>An instrument as read, with its lab's zone.</summary>
[GenerateSerializer, Immutable, Alias("ls.InstrumentView")]
public sealed record InstrumentView
{
    [Id(0)] public required InstrumentDefinition Definition { get; init; }

    [Id(1)] public required string LabId { get; init; }

    [Id(2)] public required string TimeZone { get; init; }

    [Id(3)] public InstrumentStatus Status { get; init; }

    [Id(4)] public required OpeningHours OpeningHours { get; init; }

    [Id(5)] public IReadOnlyList<Blackout> Blackouts { get; init; } = [];

    [Id(6)] public IReadOnlyList<string> AuthorizedUsers { get; init; } = [];

    /// <summary>The country of the instrument's lab (slot search and tariffs use it).</summary>
    [Id(7)] public string MemberState { get; init; } = "";

    public string Id => Definition.Id;
}

/// <summary>A period in which the instrument cannot be booked.</summary>
[GenerateSerializer, Immutable, Alias("ls.Blackout")]
public sealed record Blackout([property: Id(0)] Guid Id, [property: Id(1)] Interval Interval, [property: Id(2)] string Reason);
