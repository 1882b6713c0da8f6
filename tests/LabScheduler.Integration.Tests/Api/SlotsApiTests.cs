using System.Net;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SlotsApiTests(ApiFixture api)
{
    private async Task<string> Instrument(string lab, string category, object? rules = null)
    {
        var id = $"s-{Guid.NewGuid():N}"[..16];
        using var admin = await api.As("admin");
        await (await admin.Post($"/api/v1/labs/{lab}/instruments", new
        {
            id, name = "Slot test", category, currency = "USD", rates = new { @internal = 1, partner = 1, external = 1 }, rules = rules ?? new { slotMinutes = 60 },
        })).Expect(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task Slots_AcrossLabs_SortedByStart_SkippingTakenTimeAndUntrainedInstruments()
    {
        var category = $"cat-{Guid.NewGuid():N}"[..14];
        var xian = await Instrument("xian-nmr", category);
        var delhi = await Instrument("delhi-nmr", category);
        var trainedOnly = await Instrument("minsk-microscopy", category, new { slotMinutes = 60, requiresAuthorization = true });
        using var admin = await api.As("admin");
        await (await admin.Put($"/api/v1/instruments/{xian}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "09:00", to = "12:00" } } })).Expect(HttpStatusCode.OK);
        await (await admin.Put($"/api/v1/instruments/{delhi}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "09:00", to = "11:00" } } })).Expect(HttpStatusCode.OK);
        await (await admin.Put($"/api/v1/instruments/{trainedOnly}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "03:00", to = "04:00" } } })).Expect(HttpStatusCode.OK);

        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = xian, teamId = "tnu-catalysis", localStart = "2026-12-01T10:00", localEnd = "2026-12-01T11:00" }))
            .Expect(HttpStatusCode.Created);

        var found = await (await alice.GetAsync($"/api/v1/slots?category={category}&durationMinutes=60&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&limit=10"))
            .Expect(HttpStatusCode.OK);
        var slots = found.GetProperty("items").EnumerateArray().Select(s => $"{s.Str("instrumentId")} {s.GetProperty("lab").Str("start")}").ToList();

        // Xi'an (+08:00) 09:00 and 11:00 (10:00 is booked); Delhi (+05:30) 09:00 and 10:00; Minsk needs training alice lacks.
        Assert.Equal(
            [$"{xian} 2026-12-01T09:00:00+08:00", $"{xian} 2026-12-01T11:00:00+08:00", $"{delhi} 2026-12-01T09:00:00+05:30", $"{delhi} 2026-12-01T10:00:00+05:30"],
            slots);

        await (await admin.Put($"/api/v1/instruments/{trainedOnly}/authorized-users/alice")).Expect(HttpStatusCode.OK);
        var afterTraining = await (await alice.GetAsync($"/api/v1/slots?category={category}&durationMinutes=60&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&limit=1"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(trainedOnly, afterTraining.GetProperty("items")[0].Str("instrumentId"));

        await (await alice.GetAsync($"/api/v1/slots?category={category}")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.GetAsync($"/api/v1/slots?category={category}&durationMinutes=60&from=2026-12-01&to=2027-03-01")).Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Slots_FollowEveryChangeOfAnInstrument_AfterTheCatalogWasRead()
    {
        var category = $"cat-{Guid.NewGuid():N}"[..14];
        var xian = await Instrument("xian-nmr", category);
        using var admin = await api.As("admin");
        using var alice = await api.As("alice");
        async Task<List<string>> Slots()
        {
            var found = await (await alice.GetAsync($"/api/v1/slots?category={category}&durationMinutes=60&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&limit=10"))
                .Expect(HttpStatusCode.OK);
            return [.. found.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("lab").Str("start"))];
        }

        await (await admin.Put($"/api/v1/instruments/{xian}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "09:00", to = "11:00" } } })).Expect(HttpStatusCode.OK);
        Assert.Equal(["2026-12-01T09:00:00+08:00", "2026-12-01T10:00:00+08:00"], await Slots());

        // The same category read again after each change: the search sees the new hours, rules and status at once.
        await (await admin.Put($"/api/v1/instruments/{xian}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "14:00", to = "15:00" } } })).Expect(HttpStatusCode.OK);
        Assert.Equal(["2026-12-01T14:00:00+08:00"], await Slots());
        await (await admin.Patch($"/api/v1/instruments/{xian}", new { rules = new { slotMinutes = 60, requiresAuthorization = true } })).Expect(HttpStatusCode.OK);
        Assert.Empty(await Slots());
        await (await admin.Patch($"/api/v1/instruments/{xian}", new { rules = new { slotMinutes = 60, requiresAuthorization = false }, status = "maintenance" })).Expect(HttpStatusCode.OK);
        Assert.Empty(await Slots());
        await (await admin.Patch($"/api/v1/instruments/{xian}", new { status = "active" })).Expect(HttpStatusCode.OK);
        Assert.Equal(["2026-12-01T14:00:00+08:00"], await Slots());
    }
}
