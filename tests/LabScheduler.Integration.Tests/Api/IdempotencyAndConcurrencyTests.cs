using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class IdempotencyAndConcurrencyTests(ApiFixture api)
{
    private Task<long> CountBookings(string instrument) =>
        api.Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrument));

    [Fact]
    public async Task Retry_SameKeySameBody_ReplaysFirstAnswer_EvenFromAnotherGatewayInstance()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var body = new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T14:00", localEnd = "2026-12-01T15:00" };
        var key = Guid.NewGuid().ToString();

        var first = await alice.Post("/api/v1/bookings", body, key);
        var firstBody = await first.Expect(HttpStatusCode.Created);
        var again = await alice.Post("/api/v1/bookings", body, key);
        var againBody = await again.Expect(HttpStatusCode.Created);

        Assert.Equal(firstBody.Str("id"), againBody.Str("id"));
        Assert.Equal(first.Headers.Location, again.Headers.Location);

        // A second gateway (as after a restart) remembers the key: it lives in PostgreSQL.
        await using var restarted = api.NewGateway();
        using var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = alice.DefaultRequestHeaders.Authorization;
        var third = await (await client.Post("/api/v1/bookings", body, key)).Expect(HttpStatusCode.Created);
        Assert.Equal(firstBody.Str("id"), third.Str("id"));
        Assert.Equal(1, await CountBookings(instrument));
    }

    [Fact]
    public async Task Retry_SameKeyOtherBody_Is422Mismatch_AndChangesNothing()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var key = Guid.NewGuid().ToString();
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T14:00", localEnd = "2026-12-01T15:00" }, key))
            .Expect(HttpStatusCode.Created);

        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T16:00", localEnd = "2026-12-01T17:00" }, key))
            .Expect(HttpStatusCode.UnprocessableEntity, "idempotency.mismatch");
        Assert.Equal(1, await CountBookings(instrument));
    }

    [Fact]
    public async Task ConcurrentRetries_SameKey_MakeOneBooking_OthersAreToldToRetry()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var body = new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T14:00", localEnd = "2026-12-01T15:00" };
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => alice.Post("/api/v1/bookings", body, key)));

        // Each answer is the first one (201, the same booking) or "still running, retry" (409); never a second booking.
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                await response.Expect(HttpStatusCode.Conflict, "idempotency.in-progress");
                continue;
            }

            ids.Add((await response.Expect(HttpStatusCode.Created)).Str("id"));
        }

        // After they have all finished, the key replays the booking.
        ids.Add((await (await alice.Post("/api/v1/bookings", body, key)).Expect(HttpStatusCode.Created)).Str("id"));
        Assert.Single(ids);
        Assert.Equal(1, await CountBookings(instrument));
    }

    [Fact]
    public async Task FortyConcurrentRequestsForOneSlot_ExactlyOne201()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        var clients = await Task.WhenAll(new[] { "alice", "dana" }.Select(api.As));
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => clients[i % 2].Post("/api/v1/bookings", new
        {
            instrumentId = instrument, teamId = "kaznu-nano", localStart = "2026-12-01T14:00", localEnd = "2026-12-01T15:00",
        })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.Expect(HttpStatusCode.Conflict, "booking.conflict");
        }

        Assert.Equal(1, await CountBookings(instrument));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Retry_AfterAClaimWhoseHolderFailed_TakesTheClaimOverWithinSeconds()
    {
        // A series claims its key before it runs (a booking writes its key with the booking: BookingIdempotencyTests).
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        var body = new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-02T14:00", localEnd = "2026-12-02T15:00", recurrence = "FREQ=DAILY;COUNT=2" };
        var key = Guid.NewGuid().ToString();
        var first = await (await alice.Post("/api/v1/booking-series", body, key)).Expect(HttpStatusCode.Created);

        // The key as a first attempt leaves it when it cannot give its claim up (the database was down when it
        // failed, though the series was stored) or its gateway dies: pending, renewed just now, then not for 11 s.
        Task<int> Pending(string age) => api.Harness.Database.ScalarAsync<int>(
            $"UPDATE idempotency_keys SET status = 0, body = '', created_at = now() - interval '{age}' WHERE user_id = 'alice' AND key = @k RETURNING 1", ("k", key));
        await Pending("0 seconds");
        await (await alice.Post("/api/v1/booking-series", body, key)).Expect(HttpStatusCode.Conflict, "idempotency.in-progress");
        await Pending("11 seconds");
        var taken = await (await alice.Post("/api/v1/booking-series", body, key)).Expect(HttpStatusCode.Created);

        // The retry that took the claim over names the same series (its id comes from the key), and is what the key replays now.
        Assert.Equal(first.Str("seriesId"), taken.Str("seriesId"));
        Assert.Equal(first.Str("seriesId"), (await (await alice.Post("/api/v1/booking-series", body, key)).Expect(HttpStatusCode.Created)).Str("seriesId"));
        Assert.Equal(2, await CountBookings(instrument));
    }

    [Fact]
    public async Task Post_WhileTheGatewaysDatabaseIsUnreachable_Is503UnavailableWithRetryAfter_Not500()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");

        // The gateway's own connections (idempotency keys) go to a port where nothing listens, as while PostgreSQL restarts.
        await using var cut = api.NewGateway().WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton(LabScheduler.Persistence.LabSchedulerDataSource.Create($"Host=127.0.0.1;Port={ClosedPort()};Timeout=2;Username=x;Password=x;Database=x"))));
        using var client = cut.CreateClient();
        client.DefaultRequestHeaders.Authorization = alice.DefaultRequestHeaders.Authorization;

        // A series claims its key in the gateway's database first: refused before anything is booked.
        var series = await client.Post(
            "/api/v1/booking-series",
            new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-02T16:00", localEnd = "2026-12-02T17:00", recurrence = "FREQ=DAILY;COUNT=2" },
            Guid.NewGuid().ToString());
        await series.Expect(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(series.Headers.RetryAfter);
        Assert.Equal(0, await CountBookings(instrument));

        // A booking's key is written by the silo with the booking: it needs only the silo's database.
        var key = Guid.NewGuid().ToString();
        var booking = new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-02T16:00", localEnd = "2026-12-02T17:00" };
        var booked = await (await client.Post("/api/v1/bookings", booking, key)).Expect(HttpStatusCode.Created);
        Assert.Equal(booked.Str("id"), (await (await client.Post("/api/v1/bookings", booking, key)).Expect(HttpStatusCode.Created)).Str("id"));

        // A refusal is kept by the gateway, in its database: unavailable, so that a retry is decided anew.
        var refused = await client.Post("/api/v1/bookings", booking, Guid.NewGuid().ToString());
        await refused.Expect(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(1, await CountBookings(instrument));
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
