using System.Net;
using System.Text;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// Over a thousand malformed or hostile requests, made from a fixed seed: broken JSON, wrong
/// types, huge strings, bad dates and zones, path tricks. None may answer 5xx; every refusal is
/// problem+json; the bookings table is the same afterwards, row for row.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ApiFixture api)
{
    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1e309", "2147483648", "\"\"", "\"x\"", "[]", "{}", "[[[[[[[[]]]]]]]]",
        "\"2026-13-45T99:99:99+08:00\"", "\"2026-12-01T09:00:00+25:00\"", "\"2026-12-01T09:00\"", "\"2026-02-30\"", "\"24:00\"", "\"-0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59Z\"", "\"9999-12-31T23:00:00-14:00\"", "\"9999-12-31T23:00:00\"", "\"0001-01-01T00:00:00+01:00\"",
        "\"FREQ=MONTHLY;INTERVAL=366;COUNT=366\"", "\"Mars/Olympus\"", "\"../../etc/passwd\"", "\"%00\"", "\"\\u0000\"", "\"<script>alert(1)</script>\"",
        "\"' OR 1=1 --\"", "\"xian-nmr-600\"", "\"tnu-catalysis\"", "\"2026-12-01T09:00:00+08:00\"", "\"Asia/Shanghai\"", "\"monday\"",
        "\"" + new string('a', 5000) + "\"", "\"" + new string('9', 300) + "\"", "{\"$type\":\"System.IO.File\"}", "\"\\ud800\"",
    ];

    private static readonly string[] Fields =
    [
        "instrumentId", "teamId", "start", "end", "localStart", "localEnd", "purpose", "id", "name", "timeZone", "memberState",
        "weekly", "closedDates", "rules", "rates", "status", "reason", "cancelConflicting", "minutesPerMonth", "userId", "roles", "recurrence",
    ];

    private static readonly string[] Paths =
    [
        "/api/v1/bookings", "/api/v1/users", "/api/v1/labs", "/api/v1/teams", "/api/v1/labs/xian-nmr/instruments",
        "/api/v1/instruments/xian-nmr-600/blackouts", "/api/v1/bookings/{id}/cancel", "/api/v1/bookings/{id}/approve",
        "/api/v1/instruments/xian-nmr-600/opening-hours", "/api/v1/instruments/xian-nmr-600", "/api/v1/teams/tnu-catalysis/quotas/xian-nmr-600",
        "/api/v1/auth/dev-token", "/api/v1/booking-series", "/api/v1/instruments/xian-nmr-600/waitlist", "/api/v1/admin/notifications/{id}/retry",
    ];

    private static readonly string[] GetPaths =
    [
        "/api/v1/instruments/xian-nmr-600/free?from={v}&to=2026-12-02", "/api/v1/instruments/{v}", "/api/v1/bookings/{v}", "/api/v1/users/{v}",
        "/api/v1/bookings?from={v}", "/api/v1/bookings?limit={v}", "/api/v1/bookings?cursor={v}", "/api/v1/instruments?category={v}",
        "/api/v1/labs/{v}", "/api/v1/bookings?tz={v}", "/api/v1/instruments/xian-nmr-600/free?from=2026-12-01&to=2026-12-02&tz={v}",
        "/api/v1/{v}", "/api/v1/labs?cursor={v}", "/api/v1/bookings?status={v}", "/api/v1/teams/tnu-catalysis/usage?month={v}",
        "/api/v1/reports/utilization?from={v}&to=2027-01-01", "/api/v1/slots?category=nmr&durationMinutes=60&from={v}",
        "/api/v1/reports/statements?month={v}", "/api/v1/admin/notifications?state={v}", "/api/v1/admin/notifications?cursor={v}",
        "/api/v1/admin/notifications?limit={v}", "/api/v1/admin/notifications/{v}/retry",
    ];

    // No %00 in paths: the in-process test host refuses it before the app sees it (Kestrel answers 400 itself).
    private static readonly string[] PathValues =
    [
        "..%2f..%2fetc%2fpasswd", "%2e%2e", "a%20b", "%ff%fe", "null", "-1", "999999999999999999999", "2026-99-99", "Mars%2FOlympus",
        new string('x', 3000), "0000-01", "0000-01-01", "9999-12", "0001-01-01T00:00:00%2B01:00", "%3Cscript%3E", "' OR '1'='1", "00000000-0000-0000-0000-000000000000", "%C0%AE%C0%AE", "1001", "0",
    ];

    private async Task<string> BookingsFingerprint() =>
        await api.Harness.Database.ScalarAsync<string>(
            "SELECT count(*)::text || ':' || coalesce(md5(string_agg(id::text || status || version::text || during::text, ',' ORDER BY id)), '') FROM bookings");

    [Fact]
    public async Task ThousandsOfHostileRequests_NeverA5xx_AlwaysProblemDetails_NoBookingChanged()
    {
        using var alice = await api.As("alice");
        var booking = (await (await alice.Post("/api/v1/bookings", new { instrumentId = "xian-nmr-600", teamId = "tnu-catalysis", localStart = "2026-12-20T09:00", localEnd = "2026-12-20T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        var before = await BookingsFingerprint();
        var random = new Random(20261129);
        var failures = new List<string>();
        var sent = 0;

        async Task Check(HttpRequestMessage request, string description)
        {
            sent++;
            var response = await alice.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                failures.Add($"{status} for {description}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{status} without problem+json for {description}");
            }
        }

        for (var i = 0; i < 900; i++)
        {
            // Transitions aim at a booking that does not exist (or a malformed id): a well-formed cancel of a real one would rightly succeed.
            var path = Paths[random.Next(Paths.Length)].Replace("{id}", random.Next(3) == 0 ? "not-a-guid" : Guid.NewGuid().ToString(), StringComparison.Ordinal);
            var body = RandomBody(random);
            var method = path.EndsWith("opening-hours", StringComparison.Ordinal) || path.Contains("quotas", StringComparison.Ordinal) ? HttpMethod.Put
                : path == "/api/v1/instruments/xian-nmr-600" ? HttpMethod.Patch : HttpMethod.Post;
            var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, random.Next(10) == 0 ? "text/plain" : "application/json") };
            if (random.Next(4) == 0)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(2) == 0 ? new string('k', 300) : $"fuzz-{random.Next(50)}");
            }

            await Check(request, $"{method} {path} {Truncate(body)}");
        }

        foreach (var template in GetPaths)
        {
            foreach (var value in PathValues)
            {
                await Check(new HttpRequestMessage(HttpMethod.Get, template.Replace("{v}", value, StringComparison.Ordinal)), $"GET {template} {Truncate(value)}");
            }
        }

        Assert.True(sent >= 1000, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        // Nothing was added and the existing booking is as it was.
        Assert.Equal(before, await BookingsFingerprint());
        Assert.Equal("confirmed", (await (await alice.GetAsync($"/api/v1/bookings/{booking}")).Expect(HttpStatusCode.OK)).Str("status"));
    }

    private static string RandomBody(Random random)
    {
        switch (random.Next(6))
        {
            case 0:
                // Truncated or garbled JSON.
                var valid = RandomObject(random);
                return valid[..random.Next(valid.Length)];
            case 1:
                return new string((char)random.Next(32, 127), random.Next(1, 50));
            case 2:
                return "[" + RandomObject(random) + "]";
            case 3:
                return "{\"a\":" + new string('[', 200) + new string(']', 200) + "}";
            default:
                return RandomObject(random);
        }
    }

    private static string RandomObject(Random random)
    {
        var fields = Enumerable.Range(0, random.Next(1, 8))
            .Select(_ => $"\"{Fields[random.Next(Fields.Length)]}\":{Values[random.Next(Values.Length)]}");
        return "{" + string.Join(",", fields) + "}";
    }

    private static string Truncate(string text) => text.Length > 120 ? text[..120] + "..." : text;
}
