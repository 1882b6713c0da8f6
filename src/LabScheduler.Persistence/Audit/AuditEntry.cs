namespace LabScheduler.Persistence.Audit;

/// <summary>An audit record to write together with the change it records (same statement).</summary>
public sealed record AuditEntry(string Actor, string Entity, string EntityId, string Action, string DetailsJson);
