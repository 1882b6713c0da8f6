using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;

namespace LabScheduler.Grains.Instruments;

/// <summary>
/// Grain state of an instrument: small and bounded (bookings live in their own table,
/// one row each), so rewriting it on a settings change stays cheap.
/// </summary>
public sealed class InstrumentState
{
    public InstrumentDefinition? Definition { get; set; }

    public string LabId { get; set; } = "";

    public string TimeZone { get; set; } = "";

    /// <summary>The country of the lab, for the catalog and tariffs.</summary>
    public string MemberState { get; set; } = "";

    /// <summary>The lab's partner countries, for the partner tariff.</summary>
    public List<string> PartnerStates { get; set; } = [];

    /// <summary>Monthly quotas of minutes on this instrument, by team (checked here, the single writer of its bookings).</summary>
    public Dictionary<string, int> Quotas { get; set; } = [];

    public InstrumentStatus Status { get; set; }

    public OpeningHours OpeningHours { get; set; } = OpeningHours.AlwaysOpen;

    /// <summary>Every blackout, past ones too: utilization reports of past months subtract them. They are few.</summary>
    public List<Blackout> Blackouts { get; set; } = [];

    public List<string> AuthorizedUsers { get; set; } = [];
}
