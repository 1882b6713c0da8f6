using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using LabScheduler.Contracts.Common;
using LabScheduler.Gateway.Metrics;

namespace LabScheduler.Gateway.Hosting;

/// <summary>Where the gateway's grains are.</summary>
public enum GatewayHosting
{
    /// <summary>An Orleans client of silos in other processes, found through PostgreSQL (scale-out; deploy/, compose, k8s).</summary>
    Client,

    /// <summary>
    /// Inside a silo process (the silo host's <c>Gateway__CoHosted=true</c>; ./run.sh's default): the
    /// silo's own IClusterClient, no connection, and calls to local grains skip the network and
    /// serialization (Orleans deep-copies their arguments).
    /// </summary>
    InSilo,
}

/// <summary>Whether the grains the gateway calls can be reached: the <c>cluster</c> check of <c>/health/ready</c>.</summary>
public interface IClusterReadiness
{
    /// <summary>Whether they can, and a short detail for the anonymous report (never an exception message).</summary>
    Task<(bool Ok, string Detail)> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>As a client: at least one silo of the cluster is active.</summary>
public sealed class ClusterClientReadiness(IClusterClient cluster) : IClusterReadiness
{
    public async Task<(bool Ok, string Detail)> CheckAsync(CancellationToken cancellationToken)
    {
        var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
        return silos.Count > 0 ? (true, $"{silos.Count} active silo(s)") : (false, "no active silo");
    }
}

/// <summary>
/// Marks the grain calls an HTTP request of a co-hosted gateway makes, so that the silo's
/// <see cref="GatewayCallFilter"/> can tell them from the silo's own (its jobs and seeding, which
/// use the same hosted client).
/// </summary>
public static class GatewayCall
{
    private static readonly AsyncLocal<bool> Current = new();

    /// <summary>Whether the code running belongs to a gateway request.</summary>
    public static bool InProgress => Current.Value;

    /// <summary>For the rest of the calling async method and what it calls (an async local: undone when it returns).</summary>
    public static void Mark() => Current.Value = true;
}

/// <summary>
/// The co-hosted gateway's side of the call filters (registered on the silo): what the Orleans
/// client's filter and the silo's <c>InternalOnlyCallFilter</c> do for a separate gateway. A call of
/// a gateway request to a method marked <see cref="InternalOnlyAttribute"/> is refused (the silo's
/// hosted client would otherwise pass as the silo's own), and every call of a gateway request is
/// timed into <c>labsched.grain_call.duration</c>. Calls grains make, and the silo's own, pass untouched.
/// </summary>
public sealed class GatewayCallFilter(GatewayMetrics metrics) : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> Marked = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Outside any grain's turn the source is null (the silo's hosted client); a grain's call has the grain's id.
        if (!GatewayCall.InProgress || context.SourceId is { } source && !GrainTypePrefix.IsClient(source))
        {
            await context.Invoke();
            return;
        }

        if (context.InterfaceMethod is { } method && Marked.GetOrAdd(method, m => m.IsDefined(typeof(InternalOnlyAttribute), inherit: false)))
        {
            throw new InternalOnlyCallException(
                $"{context.InterfaceName}.{context.MethodName} may be called only from inside the cluster, not by the gateway.");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            metrics.ObserveGrainCall(context.InterfaceName, context.MethodName, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
