using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Contracts.Catalog;

/// <summary>
/// The catalog of labs and instruments (key <see cref="Key"/>), read from indexed tables, so that
/// lists and searches never activate an instrument. Instruments write their own rows; labs report here.
/// </summary>
public interface ICatalogGrain : IGrainWithStringKey
{
    public const string Key = "catalog";

    /// <summary>Adds or updates a lab's entry.</summary>
    [InternalOnly]
    Task UpsertLabAsync(LabEntry lab);

    /// <summary>Labs by id, after <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<LabEntry>> ListLabsAsync(string? afterId, int limit);

    /// <summary>Catalog entries (what slot search needs) by id matching every filter given, after <paramref name="afterId"/>.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<InstrumentEntry>> FindInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit);

    /// <summary>Instruments as the API shows them, by id matching every filter given, after <paramref name="afterId"/>.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<InstrumentView>> ListInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit);
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

    /// <summary>The blackouts that overlap the filter's <see cref="InstrumentFilter.BlackoutsOver"/> (none without it).</summary>
    [Id(8)] public IReadOnlyList<Interval> Blackouts { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("ls.InstrumentFilter")]
public sealed record InstrumentFilter
{
    [Id(0)] public string? Category { get; init; }

    [Id(1)] public string? LabId { get; init; }

    [Id(2)] public string? MemberState { get; init; }

    /// <summary>Entries carry the blackouts that overlap this window.</summary>
    [Id(3)] public Interval? BlackoutsOver { get; init; }

    /// <summary>Only instruments this user may book: active, and signed off where training is required.</summary>
    [Id(4)] public string? BookableBy { get; init; }
}
