using System.Globalization;

namespace LabScheduler.Chaos;

/// <summary>What one run did and what the database shows afterwards.</summary>
public sealed record ChaosFigures(
    FaultKind Kind,
    int Sent,
    int Acknowledged,
    int Refused,
    int Unsettled,
    int Lost,
    int Doubled,
    int Overlaps,
    int InternalErrors,
    int AcknowledgedAfterHeal,
    int StoredButUnacknowledged,
    TimeSpan LongestUnavailability)
{
    /// <summary>Ledger rows of bookings that do not exist, outcomes missing, doubled or where none belongs, rows at a wrong price.</summary>
    public int LedgerMismatches { get; init; }

    public int LedgerRows { get; init; }

    /// <summary>Team-instrument-months whose booked minutes pass the team's quota.</summary>
    public int QuotaOverdrawn { get; init; }

    /// <summary>Active bookings at whose start more active bookings run than the instrument has seats.</summary>
    public int OverCapacity { get; init; }

    public int Cancelled { get; init; }

    public int CheckedIn { get; init; }

    public int CheckedOut { get; init; }

    public int WalkUps { get; init; }

    /// <summary>Answers 201 without the booking in the body (the booking was read back by its key's id).</summary>
    public int CreatedWithoutBody { get; init; }

    /// <summary>Writes the writer fence refused (PostgreSQL's log): a silo no longer active tried to write.</summary>
    public int FencedWrites { get; init; }

    /// <summary>Rolling upgrade: bookings acknowledged while old and new versions served side by side.</summary>
    public int AcknowledgedWhileMixed { get; init; }

    /// <summary>Rolling upgrade: bookings acknowledged before it (old build) read back after it (new build) as the client was told.</summary>
    public int OldBookingsReadBack { get; init; }

    /// <summary>Rolling upgrade: bookings acknowledged before it that the new build answered otherwise, or would not cancel.</summary>
    public int OldBookingsMisread { get; init; }

    /// <summary>Rolling upgrade: bookings acknowledged before it cancelled through the new build after it.</summary>
    public int OldBookingsCancelled { get; init; }

    /// <summary>Rolling upgrade: a user's grain state written through the old build read back through the new one.</summary>
    public bool OldStateReadBack { get; init; }

    /// <summary>The integrity checks beyond lost, doubled and overlaps, summed (0 when all hold).</summary>
    public int IntegrityFailures => LedgerMismatches + QuotaOverdrawn + OverCapacity;

    /// <summary>One line, as chaos.sh prints it per fault kind.</summary>
    public string Line() => string.Create(CultureInfo.InvariantCulture, $"{Common()}{(Kind == FaultKind.RollingUpgrade ? UpgradeFigures() : "")}");

    private string UpgradeFigures() => string.Create(CultureInfo.InvariantCulture,
        $"; {AcknowledgedWhileMixed} acknowledged while old and new versions ran side by side, {OldBookingsReadBack} bookings of the old build read back by the new ({OldBookingsMisread} misread), {OldBookingsCancelled} of them cancelled, user state {(OldStateReadBack ? "read back" : "NOT read back")}");

    private string Common() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind}: {Sent} sent, {Acknowledged} acknowledged, {Lost} lost, {Doubled} doubled, {Overlaps} overlaps, longest unavailability {LongestUnavailability.TotalSeconds:0.0} s "
        + $"({Refused} refused, {Unsettled} unsettled, {InternalErrors} answers 500, {AcknowledgedAfterHeal} acknowledged after the fault healed, {StoredButUnacknowledged} stored but never acknowledged); "
        + $"{LedgerMismatches} ledger mismatches ({LedgerRows} ledger rows), {QuotaOverdrawn} quotas overdrawn, {OverCapacity} over capacity; "
        + $"{Cancelled} cancelled, {WalkUps} walk-ups, {CheckedIn} checked in, {CheckedOut} checked out; {FencedWrites} zombie writes fenced, {CreatedWithoutBody} answers 201 without a body");
}
