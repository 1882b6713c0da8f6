namespace LabScheduler.Contracts.Common;

/// <summary>
/// Marks a grain method that only other grains (and the silo's own jobs) may call: it takes no
/// <see cref="Actor"/> and checks no rights, so the silo refuses it when a cluster client (a
/// gateway) calls it, with an <see cref="InternalOnlyCallException"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class InternalOnlyAttribute : Attribute;
