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
    /// <summary>One line, as chaos.sh prints it per fault kind.</summary>
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind}: {Sent} sent, {Acknowledged} acknowledged, {Lost} lost, {Doubled} doubled, {Overlaps} overlaps, longest unavailability {LongestUnavailability.TotalSeconds:0.0} s "
        + $"({Refused} refused, {Unsettled} unsettled, {InternalErrors} answers 500, {AcknowledgedAfterHeal} acknowledged after the fault healed, {StoredButUnacknowledged} stored but never acknowledged)");
}
