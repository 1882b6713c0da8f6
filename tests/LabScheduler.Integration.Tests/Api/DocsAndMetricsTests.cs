using System.Net;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class DocsAndMetricsTests(ApiFixture api)
{
    [Fact]
    public async Task OpenApi_DescribesEveryEndpoint_AndTheReferencePageIsServed()
    {
        using var client = api.Anonymous();
        var document = await (await client.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/v1/users", "/api/v1/users/{id}", "/api/v1/me", "/api/v1/member-states", "/api/v1/labs", "/api/v1/labs/{id}",
            "/api/v1/labs/{id}/managers/{userId}", "/api/v1/labs/{labId}/instruments", "/api/v1/instruments", "/api/v1/instruments/{id}",
            "/api/v1/instruments/{id}/authorized-users/{userId}", "/api/v1/teams", "/api/v1/teams/{id}/members/{userId}",
            "/api/v1/teams/{teamId}/quotas/{instrumentId}", "/api/v1/instruments/{id}/opening-hours", "/api/v1/instruments/{id}/blackouts",
            "/api/v1/instruments/{id}/free", "/api/v1/bookings", "/api/v1/bookings/{id}", "/api/v1/bookings/{id}/cancel",
            "/api/v1/bookings/{id}/approve", "/api/v1/bookings/{id}/reject", "/api/v1/auth/dev-token", "/health/live", "/health/ready",
            "/api/v1/bookings/{id}/check-in", "/api/v1/bookings/{id}/check-out", "/api/v1/booking-series", "/api/v1/booking-series/{id}/cancel",
            "/api/v1/slots", "/api/v1/instruments/{id}/calendar.ics", "/api/v1/me/calendar.ics", "/api/v1/me/calendar-token",
            "/api/v1/instruments/{id}/waitlist", "/api/v1/waitlist/{entryId}/accept", "/api/v1/teams/{id}/usage", "/api/v1/reports/utilization",
            "/api/v1/reports/statements", "/api/v1/reports/settlement", "/api/v1/reports/heatmap", "/api/v1/instruments/{id}/shares",
            "/api/v1/usage-entries/{id}/correct", "/api/v1/audit",
            "/api/v1/admin/notifications", "/api/v1/admin/notifications/{id}/retry",
        ];
        Assert.Equal([], expected.Except(paths));

        var page = await client.GetAsync("/docs/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountRequestsBookingsAndGrainCalls()
    {
        using var alice = await api.As("alice");
        await alice.Post("/api/v1/bookings", new { instrumentId = "xian-nmr-600", teamId = "tnu-catalysis", localStart = "2026-12-21T09:00", localEnd = "2026-12-21T09:05" });

        using var client = api.Anonymous();
        var scrape = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var metrics = PrometheusText.Parse(await ScrapeUntil(client, m => m.Any(s => s.Is("labsched_http_requests_total", ("method", "POST"), ("route", "/api/v1/bookings"), ("status", "422")))));

        Assert.Contains(metrics, m => m.Is("labsched_http_requests_total", ("method", "POST"), ("route", "/api/v1/bookings"), ("status", "422")) && m.Value >= 1);
        Assert.Contains(metrics, m => m.Is("labsched_bookings_total", ("outcome", "booking.too-short")) && m.Value >= 1);
        Assert.Contains(metrics, m => m.Name == "labsched_grain_call_duration_seconds_count" && m.Labels.ContainsKey("grain") && m.Value >= 1);
        Assert.Contains(metrics, m => m.Is("labsched_http_request_duration_seconds_bucket", ("method", "POST"), ("route", "/api/v1/bookings"), ("le", "+Inf")) && m.Value >= 1);
        // The libraries' own process-wide meters: Npgsql, the runtime. (ASP.NET Core's and the Orleans
        // client's are exported too, but they come from each host's meter factory, and in this test
        // process other gateways come and go: OpenTelemetry identifies instruments by meter name,
        // so another host disposing its meters can end their export here. One gateway per process,
        // as in production, has no such neighbours.)
        Assert.Contains(metrics, m => m.Name.StartsWith("db_client_", StringComparison.Ordinal));
        Assert.Contains(metrics, m => m.Name.StartsWith("process_runtime_dotnet_", StringComparison.Ordinal) || m.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_ArbitraryHttpMethods_ShareOneLabel()
    {
        using var client = api.Anonymous();
        var verb = $"X{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await client.SendAsync(new HttpRequestMessage(new HttpMethod(verb), "/health/live"));

        // A request is counted when its pipeline unwinds, which may be just after the client has the answer.
        var text = await ScrapeUntil(client, metrics => metrics.Any(m => m.Is("labsched_http_requests_total", ("method", "other"))));
        Assert.DoesNotContain(verb, text, StringComparison.Ordinal);
        Assert.Contains(PrometheusText.Parse(text), m => m.Is("labsched_http_requests_total", ("method", "other")));
    }

    private static async Task<string> ScrapeUntil(HttpClient client, Func<IReadOnlyList<PrometheusSample>, bool> wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var text = await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync();
            if (wanted(PrometheusText.Parse(text)) || DateTime.UtcNow > deadline)
            {
                return text;
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>Samples of the Prometheus text format: name, labels, value (comments skipped).</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Is(string name, params (string Key, string Value)[] labels) =>
        Name == name && labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}

internal static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => Sample().Match(l.TrimEnd('\r'))).Where(m => m.Success).Select(m => new PrometheusSample(
            m.Groups["name"].Value,
            Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value.Replace("\\\"", "\"", StringComparison.Ordinal)),
            double.Parse(m.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)))];

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)(?:\s+\d+)?$")]
    private static partial System.Text.RegularExpressions.Regex Sample();

    [System.Text.RegularExpressions.GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial System.Text.RegularExpressions.Regex Label();
}
