using System.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// POST /bookings with an Idempotency-Key: the key's row is written by the instrument grain in the
/// booking's own statement (no claim before it, no completion after it), and a refusal's answer is
/// kept by the gateway. What a client relies on is the contract of every key: the same body gets the
/// first answer again, another body 422, never a second booking.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BookingIdempotencyTests(ApiFixture api)
{
    private const string Team = "tnu-catalysis";

    private Task<long> CountBookings(string instrument) =>
        api.Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrument));

    private static object Slot(string instrument, string from, string to, string purpose = "") =>
        new { instrumentId = instrument, teamId = Team, localStart = $"2026-12-03T{from}", localEnd = $"2026-12-03T{to}", purpose };

    // Alice's request with a new key is refused (dana holds the time), then dana cancels: the time is free, the key's answer a refusal.
    private async Task<(string Instrument, string Key)> RefusedThenFreedAsync(string from, string to)
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        using var dana = await api.As("dana");
        var held = await (await dana.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "kaznu-nano", localStart = $"2026-12-03T{from}", localEnd = $"2026-12-03T{to}" }))
            .Expect(HttpStatusCode.Created);
        var key = Guid.NewGuid().ToString();
        await (await alice.Post("/api/v1/bookings", Slot(instrument, from, to), key)).Expect(HttpStatusCode.Conflict, "booking.conflict");
        await (await dana.Post($"/api/v1/bookings/{held.Str("id")}/cancel", new { })).Expect(HttpStatusCode.OK);
        return (instrument, key);
    }

    [Fact]
    public async Task TheKeysRow_IsWrittenWithTheBooking_AndARetryIsMarkedReplayed()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var key = Guid.NewGuid().ToString();

        var first = await alice.Post("/api/v1/bookings", Slot(instrument, "09:00", "10:00"), key);
        var booking = await first.Expect(HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(
            booking.Str("id"),
            (await api.Harness.Database.ScalarAsync<Guid>("SELECT booking_id FROM idempotency_keys WHERE user_id = 'alice' AND key = @k", ("k", key))).ToString());

        var again = await alice.Post("/api/v1/bookings", Slot(instrument, "09:00", "10:00"), key);
        Assert.Equal(booking.Str("id"), (await again.Expect(HttpStatusCode.Created)).Str("id"));
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(1, await CountBookings(instrument));
    }

    [Fact]
    public async Task ARefusal_IsTheKeysAnswer_EvenAfterTheTimeIsFreed()
    {
        var (instrument, key) = await RefusedThenFreedAsync("11:00", "12:00");
        using var alice = await api.As("alice");

        // The time is free again, but the key's first answer was a refusal: a retry gets that refusal, not a booking.
        var retry = await alice.Post("/api/v1/bookings", Slot(instrument, "11:00", "12:00"), key);
        await retry.Expect(HttpStatusCode.Conflict, "booking.conflict");
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));

        // And another request with the key is a mismatch, though no booking holds the key.
        await (await alice.Post("/api/v1/bookings", Slot(instrument, "14:00", "15:00"), key)).Expect(HttpStatusCode.UnprocessableEntity, "idempotency.mismatch");
        Assert.Equal(0, await api.Harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM bookings WHERE instrument_id = @i AND user_id = 'alice'", ("i", instrument)));
    }

    [Fact]
    public async Task TheKeyOnAnotherInstrument_IsAMismatch_AndBooksNothingThere()
    {
        var first = await BookingApiTests.NewInstrument(api);
        var other = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var key = Guid.NewGuid().ToString();
        await (await alice.Post("/api/v1/bookings", Slot(first, "09:00", "10:00"), key)).Expect(HttpStatusCode.Created);

        await (await alice.Post("/api/v1/bookings", Slot(other, "09:00", "10:00"), key)).Expect(HttpStatusCode.UnprocessableEntity, "idempotency.mismatch");
        await (await alice.Post("/api/v1/bookings", Slot(first, "09:00", "10:00", "another purpose"), key)).Expect(HttpStatusCode.UnprocessableEntity, "idempotency.mismatch");
        Assert.Equal(0, await CountBookings(other));
        Assert.Equal(1, await CountBookings(first));
    }

    [Fact]
    public async Task OneKeyRacingOverManyInstruments_BooksOnce()
    {
        var instruments = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => BookingApiTests.NewInstrument(api)));
        using var alice = await api.As("alice");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(instruments.Select(i => alice.Post("/api/v1/bookings", Slot(i, "09:00", "10:00"), key)));

        // The key's primary key decides: one booking; every other request reused the key for another body.
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.Expect(HttpStatusCode.UnprocessableEntity, "idempotency.mismatch");
        }

        Assert.Equal(1, await api.Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = ANY(@i)", ("i", instruments)));
    }

    [Fact]
    public async Task APendingClaim_HoldsTheKeyForItsLease_ThenTheBookingTakesItOver()
    {
        var (instrument, key) = await RefusedThenFreedAsync("16:00", "17:00");
        using var alice = await api.As("alice");

        // The key's row as a gateway of the previous version leaves it while its request runs (it claims keys
        // before booking; during a rolling upgrade both kinds of rows meet): pending, renewed just now.
        Task<int> Pending(string age) => api.Harness.Database.ScalarAsync<int>(
            $"UPDATE idempotency_keys SET status = 0, body = '', created_at = now() - interval '{age}' WHERE user_id = 'alice' AND key = @k RETURNING 1", ("k", key));
        await Pending("0 seconds");
        await (await alice.Post("/api/v1/bookings", Slot(instrument, "16:00", "17:00"), key)).Expect(HttpStatusCode.Conflict, "idempotency.in-progress");
        Assert.Equal(0, await api.Harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM bookings WHERE instrument_id = @i AND user_id = 'alice'", ("i", instrument)));

        // Its holder died (not renewed for 11 s): the booking takes the key over in its own statement.
        await Pending("11 seconds");
        var booked = await (await alice.Post("/api/v1/bookings", Slot(instrument, "16:00", "17:00"), key)).Expect(HttpStatusCode.Created);
        Assert.Equal(
            booked.Str("id"),
            (await api.Harness.Database.ScalarAsync<Guid>("SELECT booking_id FROM idempotency_keys WHERE user_id = 'alice' AND key = @k", ("k", key))).ToString());
    }
}
