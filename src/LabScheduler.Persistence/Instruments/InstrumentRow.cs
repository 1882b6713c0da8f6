using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;

namespace LabScheduler.Persistence.Instruments;

/// <summary>
/// An instrument's row in the instruments table: its definition and placement, status and opening
/// hours. It is the instrument grain's state and the catalog's entry at once.
/// </summary>
public sealed record InstrumentRow
{
    public required InstrumentDefinition Definition { get; init; }

    public required string LabId { get; init; }

    public required string TimeZone { get; init; }

    /// <summary>The country of the lab, for the catalog and tariffs.</summary>
    public required string MemberState { get; init; }

    /// <summary>The lab's partner countries, for the partner tariff.</summary>
    public IReadOnlyList<string> PartnerStates { get; init; } = [];

    public InstrumentStatus Status { get; init; }

    public OpeningHours OpeningHours { get; init; } = OpeningHours.AlwaysOpen;

    /// <summary>Raised by every stored change; a write names the version it changes.</summary>
    public int Version { get; init; }

    public string Id => Definition.Id;
}
