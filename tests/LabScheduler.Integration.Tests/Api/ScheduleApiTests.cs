using System.Net;
using System.Text.Json;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>GET /schedule and GET /instruments/{id}/now: what the web app's calendar and check-in page read.</summary>
[Collection(ApiCollection.Name)]
public sealed class ScheduleApiTests(ApiFixture api)
{
    // A lab of its own per test (Asia/Shanghai, +08:00), managed by admin; alice and wei book in other labs too.
    private async Task<string> NewLab(HttpClient admin)
    {
        var lab = $"sched-{Guid.NewGuid():N}"[..16];
        await (await admin.Post("/api/v1/labs", new { id = lab, name = $"Lab {lab}", hostInstitution = "Test", memberState = "CN", timeZone = "Asia/Shanghai", partnerStates = Array.Empty<string>() }))
            .Expect(HttpStatusCode.Created);
        return lab;
    }

    private static async Task<string> NewInstrument(HttpClient admin, string lab, string name, object? rules = null)
    {
        var id = $"{lab}-{Guid.NewGuid():N}"[..24];
        await (await admin.Post($"/api/v1/labs/{lab}/instruments", new { id, name, category = "sched-test", currency = "CNY", rates = new { @internal = 100, partner = 150, external = 200 }, rules }))
            .Expect(HttpStatusCode.Created);
        return id;
    }

    private static async Task<string> Book(HttpClient client, string instrument, string team, string localStart, string localEnd, string purpose = "test") =>
        (await (await client.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = team, localStart, localEnd, purpose })).Expect(HttpStatusCode.Created)).Str("id");

    private static JsonElement Item(JsonElement schedule, string instrument) =>
        schedule.GetProperty("items").EnumerateArray().Single(i => i.Str("instrumentId") == instrument);

    private static string LabStart(JsonElement span) => span.GetProperty("lab").Str("start")[11..16];

    private static string LabEnd(JsonElement span) => span.GetProperty("lab").Str("end")[11..16];

    [Fact]
    public async Task Schedule_ShowsOthersBookingsAsBusyWithoutDetails_AndOwnWithDetails()
    {
        using var admin = await api.As("admin");
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");
        using var priya = await api.As("priya");
        var lab = await NewLab(admin);
        var nmr = await NewInstrument(admin, lab, "NMR");
        var mine = await Book(alice, nmr, "tnu-catalysis", "2027-02-22T10:00", "2027-02-22T11:00", "alice's HSQC");
        var theirs = await Book(wei, nmr, "xjtu-structural", "2027-02-22T12:00", "2027-02-22T13:00", "wei's secret");

        var asAlice = Item(await (await alice.GetAsync($"/api/v1/schedule?labId={lab}&from=2027-02-22T00:00:00%2B08:00&to=2027-02-23T00:00:00%2B08:00")).Expect(HttpStatusCode.OK), nmr);
        var asPriya = Item(await (await priya.GetAsync($"/api/v1/schedule?instrumentIds={nmr}&from=2027-02-22T00:00:00%2B08:00&to=2027-02-23T00:00:00%2B08:00")).Expect(HttpStatusCode.OK), nmr);
        var asAdmin = Item(await (await admin.GetAsync($"/api/v1/schedule?labId={lab}&from=2027-02-22T00:00:00%2B08:00&to=2027-02-23T00:00:00%2B08:00")).Expect(HttpStatusCode.OK), nmr);

        var aliceBusy = asAlice.GetProperty("busy").EnumerateArray().ToList();
        Assert.Equal(2, aliceBusy.Count);
        Assert.Equal((mine, true, "alice's HSQC", "confirmed", "10:00"), (aliceBusy[0].Str("bookingId"), aliceBusy[0].GetProperty("mine").GetBoolean(), aliceBusy[0].Str("purpose"), aliceBusy[0].Str("status"), LabStart(aliceBusy[0])));
        Assert.Equal(JsonValueKind.Null, aliceBusy[1].GetProperty("bookingId").ValueKind);
        Assert.Equal(JsonValueKind.Null, aliceBusy[1].GetProperty("purpose").ValueKind);
        Assert.Equal(JsonValueKind.Null, aliceBusy[1].GetProperty("teamId").ValueKind);
        Assert.Equal(JsonValueKind.Null, aliceBusy[1].GetProperty("userId").ValueKind);
        Assert.False(aliceBusy[1].GetProperty("mine").GetBoolean());
        Assert.Equal(("12:00", "13:00"), (LabStart(aliceBusy[1]), LabEnd(aliceBusy[1])));

        Assert.All(asPriya.GetProperty("busy").EnumerateArray(), b => Assert.Equal(JsonValueKind.Null, b.GetProperty("bookingId").ValueKind));
        Assert.DoesNotContain("secret", asPriya.GetRawText(), StringComparison.Ordinal);
        Assert.Equal([mine, theirs], asAdmin.GetProperty("busy").EnumerateArray().Select(b => b.Str("bookingId")));
        Assert.Equal(["00:00-10:00", "11:00-12:00", "13:00-00:00"], asPriya.GetProperty("free").EnumerateArray().Select(f => $"{LabStart(f)}-{LabEnd(f)}"));
        Assert.Equal(("Asia/Kolkata", "Asia/Shanghai"), (asPriya.GetProperty("free")[0].GetProperty("requester").Str("timeZone"), asPriya.Str("timeZone")));
        Assert.Equal(($"Lab {lab}", "NMR", "active", 1), (asPriya.Str("labName"), asPriya.Str("name"), asPriya.Str("status"), asPriya.GetProperty("capacity").GetInt32()));
    }

    [Fact]
    public async Task Schedule_ShowsOpeningHoursBlackoutsAndFreeTimeAsFreeTimeDoes()
    {
        using var admin = await api.As("admin");
        var lab = await NewLab(admin);
        var sem = await NewInstrument(admin, lab, "SEM", new { bufferMinutes = 30 });
        await (await admin.Put($"/api/v1/instruments/{sem}/opening-hours", new { weekly = new[] { new { day = "tuesday", from = "09:00", to = "18:00" } } })).Expect(HttpStatusCode.OK);
        await (await admin.Post($"/api/v1/instruments/{sem}/blackouts", new { start = "2027-02-23T15:00:00+08:00", end = "2027-02-23T16:00:00+08:00", reason = "service visit" }))
            .Expect(HttpStatusCode.Created);
        await Book(admin, sem, "tnu-catalysis", "2027-02-23T11:00", "2027-02-23T12:00");

        var schedule = await (await admin.GetAsync($"/api/v1/schedule?labId={lab}&from=2027-02-23T00:00:00%2B08:00&to=2027-02-24T00:00:00%2B08:00&tz=Asia/Shanghai")).Expect(HttpStatusCode.OK);
        var item = Item(schedule, sem);
        var free = await (await admin.GetAsync($"/api/v1/instruments/{sem}/free?from=2027-02-23T00:00:00%2B08:00&to=2027-02-24T00:00:00%2B08:00&tz=Asia/Shanghai")).Expect(HttpStatusCode.OK);

        Assert.Equal(
            ["closed 00:00-09:00 ", "blackout 15:00-16:00 service visit", "closed 18:00-00:00 "],
            item.GetProperty("closed").EnumerateArray().Select(c => $"{c.Str("kind")} {LabStart(c)}-{LabEnd(c)} {(c.GetProperty("reason").ValueKind == JsonValueKind.Null ? "" : c.Str("reason"))}"));
        Assert.Equal(free.GetProperty("items").GetRawText(), item.GetProperty("free").GetRawText());
        Assert.Equal(["09:00-10:30", "12:30-15:00", "16:00-18:00"], item.GetProperty("free").EnumerateArray().Select(f => $"{LabStart(f)}-{LabEnd(f)}"));
        Assert.Equal("2027-02-22T16:00:00Z", schedule.Str("from"));
    }

    [Fact]
    public async Task Schedule_OfAnInstrumentInMaintenance_IsClosedThroughoutAndNeverFree_ItemsByName()
    {
        using var admin = await api.As("admin");
        var lab = await NewLab(admin);
        var zeta = await NewInstrument(admin, lab, "Zeta");
        var alpha = await NewInstrument(admin, lab, "Alpha");
        await (await admin.Patch($"/api/v1/instruments/{zeta}", new { status = "maintenance" })).Expect(HttpStatusCode.OK);

        var schedule = await (await admin.GetAsync($"/api/v1/schedule?labId={lab}&from=2027-02-22&to=2027-03-01")).Expect(HttpStatusCode.OK);

        Assert.Equal([alpha, zeta], schedule.GetProperty("items").EnumerateArray().Select(i => i.Str("instrumentId")));
        var closed = Assert.Single(Item(schedule, zeta).GetProperty("closed").EnumerateArray());
        Assert.Equal(("maintenance", schedule.Str("from"), schedule.Str("to")), (closed.Str("kind"), closed.Str("start"), closed.Str("end")));
        Assert.Empty(Item(schedule, zeta).GetProperty("free").EnumerateArray());
        Assert.Equal("maintenance", Item(schedule, zeta).Str("status"));
    }

    [Fact]
    public async Task Schedule_WithSeats_MergesOthersBookingsIntoSeatCounts()
    {
        using var admin = await api.As("admin");
        using var alice = await api.As("alice");
        using var priya = await api.As("priya");
        var lab = await NewLab(admin);
        var bay = await NewInstrument(admin, lab, "Bay", new { capacity = 3 });
        await Book(alice, bay, "tnu-catalysis", "2027-02-24T10:00", "2027-02-24T12:00");
        await Book(alice, bay, "tnu-catalysis", "2027-02-24T11:00", "2027-02-24T13:00");

        var item = Item(await (await priya.GetAsync($"/api/v1/schedule?instrumentIds={bay}&from=2027-02-24T00:00:00%2B08:00&to=2027-02-25T00:00:00%2B08:00")).Expect(HttpStatusCode.OK), bay);

        Assert.Equal(["10:00-11:00 x1", "11:00-12:00 x2", "12:00-13:00 x1"],
            item.GetProperty("busy").EnumerateArray().Select(b => $"{LabStart(b)}-{LabEnd(b)} x{b.GetProperty("seatsTaken").GetInt32()}"));
        Assert.Single(item.GetProperty("free").EnumerateArray());
    }

    [Theory]
    [InlineData("from=2027-02-22&to=2027-02-23", "validation")]
    [InlineData("labId=xian-nmr&from=2027-02-01&to=2027-02-16", "validation")]
    [InlineData("labId=xian-nmr&from=2027-02-23&to=2027-02-22", "validation")]
    [InlineData("labId=xian-nmr&to=2027-02-22", "validation")]
    [InlineData("instrumentIds=Not_An_Id&from=2027-02-22&to=2027-02-23", "validation")]
    [InlineData("labId=xian-nmr&from=2027-02-22&to=2027-02-23&tz=Mars/Base", "time.unknown-zone")]
    public async Task Schedule_WithBadInput_Is400(string query, string code)
    {
        using var alice = await api.As("alice");

        await (await alice.GetAsync($"/api/v1/schedule?{query}")).Expect(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Schedule_Anonymous_Is401()
    {
        using var anonymous = api.Anonymous();

        await (await anonymous.GetAsync("/api/v1/schedule?labId=xian-nmr&from=2027-02-22&to=2027-02-23")).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task Now_ShowsTheNextBookingToItsTeamOnly_AndStateUntilItToAnyone()
    {
        using var admin = await api.As("admin");
        using var alice = await api.As("alice");
        using var priya = await api.As("priya");
        var lab = await NewLab(admin);
        var nmr = await NewInstrument(admin, lab, "NMR");
        // Two hours from now, on the 15-minute grid; open all day, every day.
        var start = DateTimeOffset.UtcNow.AddHours(2);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        var booked = await (await alice.Post("/api/v1/bookings", new { instrumentId = nmr, teamId = "tnu-catalysis", start = start.ToString("yyyy-MM-ddTHH:mm:ssZ"), end = start.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ"), purpose = "mine" }))
            .Expect(HttpStatusCode.Created);

        var forAlice = await (await alice.GetAsync($"/api/v1/instruments/{nmr}/now")).Expect(HttpStatusCode.OK);
        var forPriya = await (await priya.GetAsync($"/api/v1/instruments/{nmr}/now")).Expect(HttpStatusCode.OK);

        Assert.Equal(("free", booked.Str("start")), (forAlice.Str("state"), forAlice.Str("until")));
        Assert.Equal(booked.Str("id"), forAlice.GetProperty("next").Str("id"));
        Assert.Equal(JsonValueKind.Null, forAlice.GetProperty("current").ValueKind);
        Assert.Equal(("free", booked.Str("start"), "NMR", lab, "Asia/Shanghai"), (forPriya.Str("state"), forPriya.Str("until"), forPriya.Str("name"), forPriya.Str("labId"), forPriya.Str("timeZone")));
        Assert.Equal(JsonValueKind.Null, forPriya.GetProperty("next").ValueKind);
        Assert.DoesNotContain(booked.Str("id"), forPriya.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Now_OfAnInstrumentInMaintenance_IsClosed_AndOfAnUnknownOne404()
    {
        using var admin = await api.As("admin");
        var lab = await NewLab(admin);
        var nmr = await NewInstrument(admin, lab, "NMR");
        await (await admin.Patch($"/api/v1/instruments/{nmr}", new { status = "maintenance" })).Expect(HttpStatusCode.OK);

        var now = await (await admin.GetAsync($"/api/v1/instruments/{nmr}/now")).Expect(HttpStatusCode.OK);

        Assert.Equal(("closed", "maintenance"), (now.Str("state"), now.Str("status")));
        await (await admin.GetAsync("/api/v1/instruments/no-such-instrument/now")).Expect(HttpStatusCode.NotFound, "not-found");
    }
}
