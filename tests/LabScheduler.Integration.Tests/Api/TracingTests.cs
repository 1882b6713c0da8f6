using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Orleans.Diagnostics;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// One trace from the HTTP request through the gateway's grain call, the silo's handling of it and
/// the SQL it runs: what an operator follows in Jaeger or Tempo when a booking is slow. The listener
/// here stands in for OpenTelemetry's (which subscribes to the same sources when an OTLP endpoint is set).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TracingTests(ApiFixture api)
{
    private const string AspNetCore = "Microsoft.AspNetCore";
    private const string Npgsql = "Npgsql";

    [Fact]
    public async Task ABooking_IsOneTrace_FromTheRequest_ThroughTheGrainCall_ToItsSql()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentBag<Activity>();
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is AspNetCore or ActivitySources.ApplicationGrainActivitySourceName or Npgsql,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId != traceId)
                {
                    return;
                }

                spans.Add(a);
                if (a.Source.Name == AspNetCore)
                {
                    requestEnded.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new { instrumentId = instrument, teamId = "tnu-catalysis", start = "2026-12-02T09:00:00+08:00", end = "2026-12-02T10:00:00+08:00" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        await (await alice.SendAsync(request)).Expect(HttpStatusCode.Created);
        await requestEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var all = spans.ToList();
        var http = Assert.Single(all, a => a.Source.Name == AspNetCore);
        var calls = all.Where(a => a.Source.Name == ActivitySources.ApplicationGrainActivitySourceName && a.Kind == ActivityKind.Client && a.ParentSpanId == http.SpanId).ToList();
        Assert.Contains(calls, a => a.DisplayName.Contains("InstrumentGrain", StringComparison.Ordinal));
        var handled = all.Where(a => a.Source.Name == ActivitySources.ApplicationGrainActivitySourceName && a.Kind == ActivityKind.Server && calls.Any(c => c.SpanId == a.ParentSpanId)).ToList();
        Assert.NotEmpty(handled);
        var sql = all.Where(a => a.Source.Name == Npgsql && handled.Any(h => Descends(a, h, all))).ToList();
        Assert.NotEmpty(sql);
    }

    private static bool Descends(Activity span, Activity ancestor, IReadOnlyList<Activity> all)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }

            var next = all.FirstOrDefault(a => a.SpanId == parent);
            if (next is null)
            {
                return false;
            }

            parent = next.ParentSpanId;
        }

        return false;
    }
}
