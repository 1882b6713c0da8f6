using LabScheduler.Domain.Bookings;

namespace LabScheduler.Contracts.Instruments;

/// <summary>What a lab manager gives to create an instrument.</summary>
[GenerateSerializer, Immutable, Alias("ls.InstrumentDefinition")]
public sealed record InstrumentDefinition
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Name { get; init; }

    /// <summary>The kind of instrument ("nmr", "cryo-em"): slot search looks across labs by it.</summary>
    [Id(2)] public required string Category { get; init; }

    /// <summary>ISO 4217 code of the rates.</summary>
    [Id(3)] public required string Currency { get; init; }

    [Id(4)] public required Rates Rates { get; init; }

    [Id(5)] public BookingRules Rules { get; init; } = BookingRules.Default;
}

/// <summary>Hourly rates by tariff: the team's state is the lab's, a partner, or neither.</summary>
[GenerateSerializer, Immutable, Alias("ls.Rates")]
public sealed record Rates([property: Id(0)] decimal Internal, [property: Id(1)] decimal Partner, [property: Id(2)] decimal External)
{
    /// <summary>The hourly rate of a tariff.</summary>
    public decimal For(LabScheduler.Domain.Accounting.Tariff tariff) => LabScheduler.Domain.Accounting.Pricing.RateFor(tariff, Internal, Partner, External);
}

/// <summary>Whether an instrument takes bookings.</summary>
public enum InstrumentStatus
{
    Active = 0,
    Maintenance = 1,
    Retired = 2,
}
