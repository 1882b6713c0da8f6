using System.Net;
using Ical.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>The .ics feeds, read back with a standard iCalendar library (Ical.Net).</summary>
[Collection(ApiCollection.Name)]
public sealed class CalendarFeedTests(ApiFixture api)
{
    [Fact]
    public async Task InstrumentFeed_ParsesWithStableUidsAndCancelledStatus_WithoutWhoOrWhy()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var kept = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-02T09:00", localEnd = "2026-12-02T10:30", purpose = "secret; project, x" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        var dropped = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-03T09:00", localEnd = "2026-12-03T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        await (await alice.Post($"/api/v1/bookings/{dropped}/cancel", new { reason = "no sample" })).Expect(HttpStatusCode.OK);

        using var priya = await api.As("priya");
        var response = await priya.GetAsync($"/api/v1/instruments/{instrument}/calendar.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);

        var calendar = Calendar.Load(text)!;
        var events = calendar.Events.ToDictionary(e => e.Uid!);
        Assert.Equal(2, events.Count);
        var event1 = events[$"{kept}@labsched"];
        Assert.Equal("CONFIRMED", event1.Status);
        Assert.Equal(new DateTime(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc), event1.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 12, 2, 2, 30, 0, DateTimeKind.Utc), event1.DtEnd!.AsUtc);
        Assert.Equal("CANCELLED", events[$"{dropped}@labsched"].Status);
        Assert.Equal(1, events[$"{dropped}@labsched"].Sequence);
    }

    [Fact]
    public async Task Feeds_HoldEveryBookingOfTheirWindow_NotTheFirstThousand()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        // 1,200 cancelled bookings of Dana's (they hold no time), fifteen minutes apart from 5 December on.
        await api.Harness.Database.ScalarAsync<int>("""
            WITH rows AS (
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, created_at, updated_at, team_state)
                SELECT gen_random_uuid(), @instrument, 'xian-nmr', 'kaznu-nano', 'dana', 'cancelled',
                       tstzrange(timestamptz '2026-12-05T00:00:00Z' + n * interval '15 minutes', timestamptz '2026-12-05T00:15:00Z' + n * interval '15 minutes'),
                       true, 'many', now(), now(), 'KZ'
                FROM generate_series(0, 1199) AS n
                RETURNING 1)
            SELECT count(*)::integer FROM rows
            """, ("instrument", instrument));

        using var dana = await api.As("dana");
        var instrumentFeed = Calendar.Load(await dana.GetStringAsync($"/api/v1/instruments/{instrument}/calendar.ics"))!;
        Assert.Equal(1200, instrumentFeed.Events.Count);
        var myFeed = Calendar.Load(await dana.GetStringAsync("/api/v1/me/calendar.ics"))!;
        Assert.Equal(1200, myFeed.Events.Count(e => e.Location?.StartsWith(instrument, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task MyFeed_WithBearerOrFeedToken_ShowsOwnBookingsWithPurpose_BadTokenIs401()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var dana = await api.As("dana");
        var id = (await (await dana.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "kaznu-nano", localStart = "2026-12-04T14:00", localEnd = "2026-12-04T15:00", purpose = "AFM, wafer 7; lot B" }))
            .Expect(HttpStatusCode.Created)).Str("id");

        var withHeader = Calendar.Load(await dana.GetStringAsync("/api/v1/me/calendar.ics"))!;
        var mine = withHeader.Events.Single(e => e.Uid == $"{id}@labsched");
        Assert.Equal("AFM, wafer 7; lot B", mine.Description);

        var token = await (await dana.PostAsync("/api/v1/me/calendar-token", null)).Expect(HttpStatusCode.OK);
        using var calendarApp = api.Anonymous();
        var viaToken = await calendarApp.GetAsync(token.Str("url"));
        Assert.Equal(HttpStatusCode.OK, viaToken.StatusCode);
        Assert.Contains(Calendar.Load(await viaToken.Content.ReadAsStringAsync())!.Events, e => e.Uid == $"{id}@labsched");

        await (await calendarApp.GetAsync("/api/v1/me/calendar.ics?token=dana.0000")).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        await (await calendarApp.GetAsync("/api/v1/me/calendar.ics")).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");

        // Rotating makes the old token useless.
        await (await dana.PostAsync("/api/v1/me/calendar-token", null)).Expect(HttpStatusCode.OK);
        await (await calendarApp.GetAsync(token.Str("url"))).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }
}
