namespace LabScheduler.Gateway.Idempotency;

/// <summary>Marks a creating POST whose responses are replayed for a repeated Idempotency-Key.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class IdempotentAttribute : Attribute;
