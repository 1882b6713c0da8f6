using NodaTime;

namespace LabScheduler.Persistence.Accounting;

/// <summary>One append-only row of the usage ledger.</summary>
public sealed record LedgerEntry
{
    public required Guid Id { get; init; }

    public required Guid BookingId { get; init; }

    /// <summary>"usage", "no-show" or "reversal".</summary>
    public required string Kind { get; init; }

    public Guid? Reverses { get; init; }

    /// <summary>For a correcting entry: the entry it replaces.</summary>
    public Guid? Corrects { get; init; }

    public required string TeamId { get; init; }

    public required string TeamState { get; init; }

    public required string InstrumentId { get; init; }

    public required string LabId { get; init; }

    public required string LabState { get; init; }

    /// <summary>"internal", "partner" or "external".</summary>
    public required string Tariff { get; init; }

    public required int BookedMinutes { get; init; }

    public required int ActualMinutes { get; init; }

    public required int ChargedMinutes { get; init; }

    public required decimal HourlyRate { get; init; }

    public required decimal Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>First day of the month (in the lab's zone) the entry belongs to.</summary>
    public required LocalDate Month { get; init; }

    public required Instant CreatedAt { get; init; }
}
