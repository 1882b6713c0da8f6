using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Contracts.Catalog;

/// <summary>
/// The small index of labs and instruments (one grain, key <see cref="Key"/>), so that lists
/// and searches never activate every instrument. Labs and instruments report to it; it calls no one.
/// </summary>
public interface ICatalogGrain : IGrainWithStringKey
{
    public const string Key = "catalog";

    /// <summary>Adds or updates a lab's entry.</summary>
    [InternalOnly]
    Task UpsertLabAsync(LabEntry lab);

    /// <summary>Adds or updates an instrument's entry.</summary>
    [InternalOnly]
    Task UpsertInstrumentAsync(InstrumentEntry instrument);

    /// <summary>Labs by id, after <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<LabEntry>> ListLabsAsync(string? afterId, int limit);

    /// <summary>Instruments by id matching every filter given, after <paramref name="afterId"/>.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<InstrumentEntry>> FindInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit);
}

[GenerateSerializer, Immutable, Alias("ls.LabEntry")]
public sealed record LabEntry
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string MemberState { get; init; }
}

[GenerateSerializer, Immutable, Alias("ls.InstrumentEntry")]
public sealed record InstrumentEntry
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string LabId { get; init; }

    [Id(2)] public required string Category { get; init; }

    [Id(3)] public required string MemberState { get; init; }

    [Id(4)] public InstrumentStatus Status { get; init; }

    /// <summary>What slot search needs to answer without activating the instrument.</summary>
    [Id(5)] public string TimeZone { get; init; } = "UTC";

    [Id(6)] public BookingRules Rules { get; init; } = BookingRules.Default;

    [Id(7)] public OpeningHours OpeningHours { get; init; } = OpeningHours.AlwaysOpen;

    [Id(8)] public IReadOnlyList<Interval> Blackouts { get; init; } = [];

    [Id(9)] public IReadOnlyList<string> AuthorizedUsers { get; init; } = [];

    public bool Equals(InstrumentEntry? other) =>
        other is not null && Id == other.Id && LabId == other.LabId && Category == other.Category && MemberState == other.MemberState
        && Status == other.Status && TimeZone == other.TimeZone && Rules == other.Rules
        && OpeningHours.Weekly.SequenceEqual(other.OpeningHours.Weekly) && OpeningHours.ClosedDates.SequenceEqual(other.OpeningHours.ClosedDates)
        && Blackouts.SequenceEqual(other.Blackouts) && AuthorizedUsers.SequenceEqual(other.AuthorizedUsers);

    public override int GetHashCode() => HashCode.Combine(Id, Status, Rules);
}

[GenerateSerializer, Immutable, Alias("ls.InstrumentFilter")]
public sealed record InstrumentFilter
{
    [Id(0)] public string? Category { get; init; }

    [Id(1)] public string? LabId { get; init; }

    [Id(2)] public string? MemberState { get; init; }
}
