using System.Net;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class WaitlistApiTests(ApiFixture api)
{
    [Fact]
    public async Task Waitlist_JoinOfferAccept_ThroughHttp()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        using var dana = await api.As("dana");
        var slot = new { localStart = "2026-12-10T09:00", localEnd = "2026-12-10T10:00" };
        var booking = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "kaznu-nano", slot.localStart, slot.localEnd }))
            .Expect(HttpStatusCode.Created)).Str("id");

        var entry = await (await dana.Post($"/api/v1/instruments/{instrument}/waitlist", new { teamId = "kaznu-nano", slot.localStart, slot.localEnd }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("waiting", entry.Str("status"));
        await (await dana.Post($"/api/v1/instruments/{instrument}/waitlist", new { teamId = "kaznu-nano", localStart = "2026-12-11T09:00", localEnd = "2026-12-11T10:00" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "waitlist.time-free");

        await (await alice.Post($"/api/v1/bookings/{booking}/cancel", new { reason = "conference" })).Expect(HttpStatusCode.OK);
        var mine = await (await dana.GetAsync("/api/v1/me/waitlist")).Expect(HttpStatusCode.OK);
        var offered = mine.GetProperty("items").EnumerateArray().Single(e => e.Str("id") == entry.Str("id"));
        Assert.Equal("offered", offered.Str("status"));
        Assert.NotNull(offered.GetProperty("offerExpiresAt").GetString());

        await (await alice.PostAsync($"/api/v1/waitlist/{entry.Str("id")}/accept", null)).Expect(HttpStatusCode.NotFound, "not-found");
        using var wei = await api.As("wei");
        await (await wei.PostAsync($"/api/v1/waitlist/{entry.Str("id")}/accept", null)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        var accepted = await (await dana.PostAsync($"/api/v1/waitlist/{entry.Str("id")}/accept", null)).Expect(HttpStatusCode.Created);
        Assert.Equal("dana", accepted.Str("userId"));
        Assert.Equal("2026-12-10T09:00:00+08:00", accepted.GetProperty("lab").Str("start"));
        // Accept is idempotent: the waiter's repeat answers with the same booking and books nothing more.
        var again = await (await dana.PostAsync($"/api/v1/waitlist/{entry.Str("id")}/accept", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(accepted.Str("id"), again.Str("id"));
        var stored = await (await dana.GetAsync($"/api/v1/waitlist/{entry.Str("id")}")).Expect(HttpStatusCode.OK);
        Assert.Equal("booked", stored.Str("status"));

        using var priya = await api.As("priya");
        await (await priya.PostAsync($"/api/v1/waitlist/{entry.Str("id")}/withdraw", null)).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task MyWaitlist_PagesToTheEnd_NewestFirst_NothingTwice()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        using var dana = await api.As("dana");
        var joined = new List<string>();
        foreach (var day in new[] { 15, 16, 17 })
        {
            var slot = new { localStart = $"2026-12-{day}T09:00", localEnd = $"2026-12-{day}T10:00" };
            await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "kaznu-nano", slot.localStart, slot.localEnd })).Expect(HttpStatusCode.Created);
            joined.Add((await (await dana.Post($"/api/v1/instruments/{instrument}/waitlist", new { teamId = "kaznu-nano", slot.localStart, slot.localEnd }))
                .Expect(HttpStatusCode.Created)).Str("id"));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await dana.GetAsync($"/api/v1/me/waitlist?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.Str("id")).ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        // Newest first: the three joined last come in the reverse order of joining.
        Assert.Equal([.. Enumerable.Reverse(joined)], seen.Where(joined.Contains));
        await (await dana.GetAsync("/api/v1/me/waitlist?cursor=bm90LWEtY3Vyc29y")).Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Locations_OfBlackoutsSeriesAndWaitlistEntries_PointAtRoutes()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var admin = await api.As("admin");
        using var alice = await api.As("alice");
        using var dana = await api.As("dana");

        var blackout = await admin.Post($"/api/v1/instruments/{instrument}/blackouts", new { start = "2026-12-20T00:00:00Z", end = "2026-12-20T02:00:00Z", reason = "service" });
        Assert.Equal(HttpStatusCode.Created, blackout.StatusCode);
        var created = await blackout.Expect(HttpStatusCode.Created);
        Assert.Equal(created.Str("id"), (await (await alice.GetAsync(blackout.Headers.Location)).Expect(HttpStatusCode.OK)).Str("id"));

        var series = await alice.Post("/api/v1/booking-series", new { instrumentId = instrument, teamId = "kaznu-nano", localStart = "2026-12-14T09:00", localEnd = "2026-12-14T10:00", recurrence = "FREQ=WEEKLY;COUNT=2" });
        Assert.Equal(HttpStatusCode.Created, series.StatusCode);
        var read = await (await alice.GetAsync(series.Headers.Location)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, read.GetProperty("items").GetArrayLength());

        var entry = await dana.Post($"/api/v1/instruments/{instrument}/waitlist", new { teamId = "kaznu-nano", localStart = "2026-12-14T09:00", localEnd = "2026-12-14T10:00" });
        Assert.Equal(HttpStatusCode.Created, entry.StatusCode);
        Assert.Equal("waiting", (await (await dana.GetAsync(entry.Headers.Location)).Expect(HttpStatusCode.OK)).Str("status"));
        await (await admin.GetAsync($"/api/v1/instruments/{instrument}/blackouts/{Guid.NewGuid()}")).Expect(HttpStatusCode.NotFound, "not-found");
    }
}
