using System.Collections.Concurrent;
using System.Reflection;
using LabScheduler.Contracts.Common;

namespace LabScheduler.Grains.Common;

/// <summary>
/// Refuses calls from cluster clients to methods marked <see cref="InternalOnlyAttribute"/>, so a
/// gateway (or anything else that connects as a client) reaches only the methods that check the
/// actor's rights. Calls from grains, and from the silo's own hosted client (its jobs and seeding),
/// pass.
/// </summary>
public sealed class InternalOnlyCallFilter : IIncomingGrainCallFilter
{
    // The id Orleans gives the client hosted inside each silo: "hosted-" and the silo's address.
    // External clients get random ids, so they never carry this prefix.
    private const string HostedClientPrefix = "hosted-";

    private static readonly ConcurrentDictionary<MethodInfo, bool> Marked = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (IsExternalClient(context.SourceId) && IsInternalOnly(context.InterfaceMethod))
        {
            throw new InternalOnlyCallException(
                $"{context.InterfaceName}.{context.MethodName} may be called only from inside the cluster, not by a cluster client.");
        }

        return context.Invoke();
    }

    /// <summary>Whether the caller is a client outside the silos (not a grain, not a silo's hosted client).</summary>
    public static bool IsExternalClient(GrainId? source) =>
        source is { } id
        && GrainTypePrefix.IsClient(id)
        && !id.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal);

    private static bool IsInternalOnly(MethodInfo? method) =>
        method is not null && Marked.GetOrAdd(method, m => m.IsDefined(typeof(InternalOnlyAttribute), inherit: false));
}
