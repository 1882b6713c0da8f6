using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LabScheduler.Gateway.Metrics;

/// <summary>
/// The gateway's own figures, as .NET metrics on the meter <see cref="MeterName"/>: requests by
/// route and status, request and grain-call latencies, and booking outcomes. OpenTelemetry exports
/// them with ASP.NET Core's, Orleans', Npgsql's and the runtime's (Prometheus text at /metrics,
/// OTLP when configured; see <see cref="GatewayTelemetry"/>). In Prometheus they are
/// labsched_http_requests_total, labsched_http_request_duration_seconds, labsched_bookings_total
/// and labsched_grain_call_duration_seconds.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "LabScheduler.Gateway";

    // One meter for the process, not one per host from IMeterFactory: OpenTelemetry identifies
    // instruments by meter name, and a second host in the process (tests run several gateways)
    // disposing its meter ended the export of the first one's figures.
    private static readonly Meter Meter = new(MeterName);

    private static readonly IReadOnlyList<double> Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestSeconds;
    private readonly Counter<long> _bookings;
    private readonly Histogram<double> _grainSeconds;

    public GatewayMetrics()
    {
        _requests = Meter.CreateCounter<long>("labsched.http.requests", description: "HTTP requests by method, route and status.");
        _requestSeconds = Meter.CreateHistogram("labsched.http.request.duration", "s", "HTTP request latency by method and route.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _bookings = Meter.CreateCounter<long>("labsched.bookings", description: "Booking commands by outcome (status reached or error code).");
        _grainSeconds = Meter.CreateHistogram("labsched.grain_call.duration", "s", "Latency of calls from the gateway to grains.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void CountRequest(string method, string route, int status, double seconds)
    {
        _requests.Add(1, new TagList { { "method", method }, { "route", route }, { "status", status } });
        _requestSeconds.Record(seconds, new TagList { { "method", method }, { "route", route } });
    }

    /// <summary>Counts a booking command by outcome: a status reached ("confirmed", "cancelled") or an error code.</summary>
    public void CountBooking(string outcome) => _bookings.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void ObserveGrainCall(string grain, string method, double seconds) =>
        _grainSeconds.Record(seconds, new TagList { { "grain", grain }, { "method", method } });
}
