using System.Net;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SeriesApiTests(ApiFixture api)
{
    [Fact]
    public async Task Series_BookedAllOrNothing_ThenCancelled()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var created = await alice.Post("/api/v1/booking-series", new
        {
            instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00", recurrence = "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        });
        var series = await created.Expect(HttpStatusCode.Created);
        var id = series.Str("seriesId");
        Assert.Equal($"/api/v1/booking-series/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(
            ["2026-12-01T09:00:00+08:00", "2026-12-08T09:00:00+08:00", "2026-12-15T09:00:00+08:00"],
            series.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("lab").Str("start")));

        // Another series over the second occurrence: 409 naming it, nothing booked.
        var conflict = await (await alice.Post("/api/v1/booking-series", new
        {
            instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-07T09:30", localEnd = "2026-12-07T10:30", recurrence = "FREQ=DAILY;COUNT=3",
        })).Expect(HttpStatusCode.Conflict, "booking.conflict");
        Assert.Single(conflict.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(3, await api.Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrument)));

        await (await alice.Post("/api/v1/booking-series", new
        {
            instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T12:00", localEnd = "2026-12-01T13:00", recurrence = "FREQ=HOURLY;COUNT=3",
        })).Expect(HttpStatusCode.BadRequest, "validation");

        using var priya = await api.As("priya");
        await (await priya.Post($"/api/v1/booking-series/{id}/cancel", new { reason = "x" })).Expect(HttpStatusCode.NotFound, "not-found");
        var cancelled = await (await alice.Post($"/api/v1/booking-series/{id}/cancel", new { reason = "project ended" })).Expect(HttpStatusCode.OK);
        Assert.All(cancelled.GetProperty("items").EnumerateArray(), b => Assert.Equal("cancelled", b.Str("status")));
    }

    [Fact]
    public async Task CheckInTooEarly_AndCheckOutWithoutCheckIn_Are409()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var id = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-09T09:00", localEnd = "2026-12-09T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");

        await (await alice.PostAsync($"/api/v1/bookings/{id}/check-in", null)).Expect(HttpStatusCode.Conflict, "booking.invalid-transition");
        await (await alice.PostAsync($"/api/v1/bookings/{id}/check-out", null)).Expect(HttpStatusCode.Conflict, "booking.invalid-transition");
        using var wei = await api.As("wei");
        await (await wei.PostAsync($"/api/v1/bookings/{id}/check-in", null)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
    }
}
