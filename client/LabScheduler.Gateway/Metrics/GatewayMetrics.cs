using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LabScheduler.Gateway.Metrics;

/// <summary>
/// The gateway's figures in Prometheus text format: requests by route and status, request and
/// grain-call latencies, and booking outcomes. Kept in memory per process; Prometheus scrapes each.
/// </summary>
public sealed class GatewayMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Method, string Route, int Status), long> _requests = new();
    private readonly ConcurrentDictionary<(string Method, string Route), Histogram> _requestSeconds = new();
    private readonly ConcurrentDictionary<string, long> _bookings = new();
    private readonly ConcurrentDictionary<(string Grain, string Method), Histogram> _grainSeconds = new();

    public void CountRequest(string method, string route, int status, double seconds)
    {
        _requests.AddOrUpdate((method, route, status), 1, (_, n) => n + 1);
        _requestSeconds.GetOrAdd((method, route), _ => new Histogram()).Observe(seconds);
    }

    /// <summary>Counts a booking command by outcome: a status reached ("confirmed", "cancelled") or an error code.</summary>
    public void CountBooking(string outcome) => _bookings.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public void ObserveGrainCall(string grain, string method, double seconds) =>
        _grainSeconds.GetOrAdd((grain, method), _ => new Histogram()).Observe(seconds);

    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# HELP labsched_http_requests_total HTTP requests by method, route and status.");
        text.AppendLine("# TYPE labsched_http_requests_total counter");
        foreach (var ((method, route, status), count) in _requests.OrderBy(r => r.Key.Route, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"labsched_http_requests_total{{method=\"{method}\",route=\"{Escape(route)}\",status=\"{status}\"}} {count}\n");
        }

        WriteHistograms(text, "labsched_http_request_duration_seconds", "HTTP request latency by method and route.",
            _requestSeconds.Select(h => ($"method=\"{h.Key.Method}\",route=\"{Escape(h.Key.Route)}\"", h.Value)));

        text.AppendLine("# HELP labsched_bookings_total Booking commands by outcome (status reached or error code).");
        text.AppendLine("# TYPE labsched_bookings_total counter");
        foreach (var (outcome, count) in _bookings.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"labsched_bookings_total{{outcome=\"{Escape(outcome)}\"}} {count}\n");
        }

        WriteHistograms(text, "labsched_grain_call_duration_seconds", "Latency of calls from the gateway to grains.",
            _grainSeconds.Select(h => ($"grain=\"{Escape(h.Key.Grain)}\",method=\"{Escape(h.Key.Method)}\"", h.Value)));
        return text.ToString();
    }

    private static void WriteHistograms(StringBuilder text, string name, string help, IEnumerable<(string Labels, Histogram Histogram)> series)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"# HELP {name} {help}");
        text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {name} histogram");
        foreach (var (labels, histogram) in series.OrderBy(s => s.Labels, StringComparer.Ordinal))
        {
            var (counts, count, sum) = histogram.Snapshot();
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += counts[i];
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{Buckets[i]}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {sum}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{labels}}} {count}\n");
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length];
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;

        public void Observe(double seconds)
        {
            lock (_lock)
            {
                var bucket = Array.FindIndex(Buckets, b => seconds <= b);
                if (bucket >= 0)
                {
                    _counts[bucket]++;
                }

                _count++;
                _sum += seconds;
            }
        }

        public (long[] Counts, long Count, double Sum) Snapshot()
        {
            lock (_lock)
            {
                return ([.. _counts], _count, _sum);
            }
        }
    }
}
