using System.Diagnostics;

namespace LabScheduler.Gateway.Metrics;

/// <summary>Times each request by its route pattern (never the raw path, which would explode the series).</summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.CountRequest(MethodLabel(http.Request.Method), route, http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>The method as a label: one of the standard verbs, else "other", so that arbitrary verbs cannot grow the series.</summary>
    public static string MethodLabel(string method) => method.ToUpperInvariant() switch
    {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
}

/// <summary>Times every call the gateway makes into the cluster.</summary>
public sealed class GrainCallMetricsFilter(GatewayMetrics metrics) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
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
