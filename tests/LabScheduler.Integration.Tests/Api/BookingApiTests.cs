using System.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// POST /bookings and its lifecycle through HTTP, with the lab and requester renderings and
/// the DST cases of the contract. The silo's clock stands at Monday 2026-11-30 00:00 UTC.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BookingApiTests(ApiFixture api)
{
    /// <summary>Creates an instrument in <paramref name="lab"/> (as admin) with a fresh id and the given rules.</summary>
    internal static async Task<string> NewInstrument(ApiFixture api, string lab = "xian-nmr", object? rules = null)
    {
        var id = $"i-{Guid.NewGuid():N}"[..16];
        using var admin = await api.As("admin");
        await (await admin.Post($"/api/v1/labs/{lab}/instruments", new
        {
            id, name = "Test instrument", category = "nmr", currency = "CNY",
            rates = new { @internal = 100, partner = 150, external = 200 },
            rules = rules ?? new { },
        })).Expect(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task Book_WithOffsets_Is201WithLocationAndRenderingsInBothZones()
    {
        var instrument = await NewInstrument(api);
        using var alice = await api.As("alice");

        var response = await alice.Post("/api/v1/bookings", new
        {
            instrumentId = instrument, teamId = "tnu-catalysis", start = "2026-12-01T09:00:00+08:00", end = "2026-12-01T11:00:00+08:00", purpose = "HSQC",
        });
        var booking = await response.Expect(HttpStatusCode.Created);

        Assert.Equal($"/api/v1/bookings/{booking.Str("id")}", response.Headers.Location?.OriginalString);
        Assert.Equal("confirmed", booking.Str("status"));
        Assert.Equal("2026-12-01T01:00:00Z", booking.Str("start"));
        Assert.Equal("2026-12-01T03:00:00Z", booking.Str("end"));
        Assert.Equal("Asia/Shanghai", booking.GetProperty("lab").Str("timeZone"));
        Assert.Equal("2026-12-01T09:00:00+08:00", booking.GetProperty("lab").Str("start"));
        Assert.Equal("Asia/Dushanbe", booking.GetProperty("requester").Str("timeZone"));
        Assert.Equal("2026-12-01T06:00:00+05:00", booking.GetProperty("requester").Str("start"));
        Assert.Equal("alice", booking.Str("userId"));
        Assert.Equal("xian-nmr", booking.Str("labId"));
    }

    [Fact]
    public async Task Book_WithLocalTimes_ReadsThemInTheLabsZone_AndTzOverridesRequester()
    {
        var instrument = await NewInstrument(api, "delhi-nmr");
        using var priya = await api.As("priya");

        var booking = await (await priya.Post("/api/v1/bookings?tz=Asia/Kathmandu", new
        {
            instrumentId = instrument, teamId = "iisc-proteomics", localStart = "2026-12-02T09:00", localEnd = "2026-12-02T10:30",
        })).Expect(HttpStatusCode.Created);

        Assert.Equal("2026-12-02T03:30:00Z", booking.Str("start"));
        Assert.Equal("2026-12-02T09:00:00+05:30", booking.GetProperty("lab").Str("start"));
        Assert.Equal("Asia/Kathmandu", booking.GetProperty("requester").Str("timeZone"));
        Assert.Equal("2026-12-02T09:15:00+05:45", booking.GetProperty("requester").Str("start"));
    }

    [Fact]
    public async Task Book_LocalTimesInDstGapAndOverlap_Are422_ExplicitOffsetIsAccepted()
    {
        using var admin = await api.As("admin");
        var lab = $"lab-{Guid.NewGuid():N}"[..16];
        await (await admin.Post("/api/v1/labs", new { id = lab, name = "Berlin partner lab", hostInstitution = "FU Berlin", memberState = "DE", timeZone = "Europe/Berlin" }))
            .Expect(HttpStatusCode.Created);
        var instrument = await NewInstrument(api, lab, new { horizonDays = 400 });

        // Berlin skips 02:00-03:00 on 2027-03-28 and repeats it on 2027-10-31.
        await (await admin.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2027-03-28T02:30", localEnd = "2027-03-28T03:30" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "time.nonexistent-local");
        await (await admin.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2027-10-31T02:30", localEnd = "2027-10-31T03:30" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "time.ambiguous-local");

        // The second 02:30 (after falling back, +01:00) is an instant with an offset: fine.
        var booking = await (await admin.Post("/api/v1/bookings", new
        {
            instrumentId = instrument, teamId = "tnu-catalysis", start = "2027-10-31T02:30:00+01:00", end = "2027-10-31T03:30:00+01:00",
        })).Expect(HttpStatusCode.Created);
        Assert.Equal("2027-10-31T01:30:00Z", booking.Str("start"));
        Assert.Equal("2027-10-31T02:30:00+01:00", booking.GetProperty("lab").Str("start"));
    }

    [Fact]
    public async Task Book_Overlap_Is409WithConflictingInterval()
    {
        var instrument = await NewInstrument(api);
        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", start = "2026-12-03T01:00:00Z", end = "2026-12-03T03:00:00Z" }))
            .Expect(HttpStatusCode.Created);

        var conflict = await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", start = "2026-12-03T02:00:00Z", end = "2026-12-03T04:00:00Z" }))
            .Expect(HttpStatusCode.Conflict, "booking.conflict");
        Assert.Contains("2026-12-03T09:00+08:00", conflict.Str("detail"));
    }

    [Theory]
    [InlineData("2026-12-01T09:05:00+08:00", "2026-12-01T10:00:00+08:00", "booking.off-grid")]
    [InlineData("2026-12-01T09:00:00+08:00", "2026-12-01T09:05:00+08:00", "booking.too-short")]
    [InlineData("2026-12-01T01:00:00+08:00", "2026-12-01T23:00:00+08:00", "booking.too-long")]
    [InlineData("2026-11-29T09:00:00+08:00", "2026-11-29T10:00:00+08:00", "booking.in-past")]
    [InlineData("2027-06-01T09:00:00+08:00", "2027-06-01T10:00:00+08:00", "booking.beyond-horizon")]
    public async Task Book_BreakingARule_Is422WithItsCode(string start, string end, string code)
    {
        var instrument = await NewInstrument(api, rules: new { minMinutes = 15, maxMinutes = 480 });
        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", start, end }))
            .Expect(HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task Book_OutsideOpeningHoursAndInMaintenance_Are422()
    {
        var instrument = await NewInstrument(api);
        using var wei = await api.As("wei");
        using var alice = await api.As("alice");
        await (await wei.Put($"/api/v1/instruments/{instrument}/opening-hours", new
        {
            weekly = new[] { new { day = "tuesday", from = "10:00", to = "18:00" } },
            closedDates = new[] { "2026-12-31" },
        })).Expect(HttpStatusCode.OK);

        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T11:00" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "booking.outside-opening-hours");

        await (await wei.Patch($"/api/v1/instruments/{instrument}", new { status = "maintenance" })).Expect(HttpStatusCode.OK);
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T10:00", localEnd = "2026-12-01T11:00" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "booking.instrument-unavailable");
    }

    [Fact]
    public async Task Book_ForAnotherTeamOrWithoutTraining_Is403()
    {
        var instrument = await NewInstrument(api, rules: new { requiresAuthorization = true });
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");

        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "xjtu-structural", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Forbidden, "auth.not-team-member");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Forbidden, "auth.not-authorized-on-instrument");

        await (await wei.Put($"/api/v1/instruments/{instrument}/authorized-users/alice")).Expect(HttpStatusCode.OK);
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"teamId":"tnu-catalysis","start":"2026-12-01T09:00:00+08:00","end":"2026-12-01T10:00:00+08:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600","teamId":"tnu-catalysis","start":"2026-12-01T10:00:00+08:00","end":"2026-12-01T09:00:00+08:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600","teamId":"tnu-catalysis","start":"2026-12-01T09:00:00","end":"2026-12-01T10:00:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600","teamId":"tnu-catalysis","start":"tomorrow","end":"2026-12-01T10:00:00+08:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600","teamId":"tnu-catalysis","start":"2026-12-01T09:00:00+08:00","end":"2026-12-01T10:00:00+08:00","localStart":"2026-12-01T09:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600","teamId":12,"start":"2026-12-01T09:00:00+08:00","end":"2026-12-01T10:00:00+08:00"}""")]
    [InlineData("""{"instrumentId":"xian-nmr-600",""")]
    public async Task Book_MalformedBody_Is400Validation(string body)
    {
        using var alice = await api.As("alice");
        var response = await alice.PostAsync("/api/v1/bookings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await response.Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Book_UnknownRequesterZone_Is400UnknownZone()
    {
        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings?tz=Mars/Olympus", new { instrumentId = "xian-nmr-600", teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.BadRequest, "time.unknown-zone");
    }

    [Fact]
    public async Task Lifecycle_ApprovalInstrument_PendingApprovedCancelled_AndInvalidTransitionsAre409()
    {
        var instrument = await NewInstrument(api, rules: new { requiresApproval = true });
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");
        using var olga = await api.As("olga");

        var pending = await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-04T09:00", localEnd = "2026-12-04T10:00" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("pending", pending.Str("status"));
        var id = pending.Str("id");

        await (await alice.PostAsync($"/api/v1/bookings/{id}/approve", null)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await olga.PostAsync($"/api/v1/bookings/{id}/approve", null)).Expect(HttpStatusCode.NotFound, "not-found");
        Assert.Equal("confirmed", (await (await wei.PostAsync($"/api/v1/bookings/{id}/approve", null)).Expect(HttpStatusCode.OK)).Str("status"));
        await (await wei.PostAsync($"/api/v1/bookings/{id}/approve", null)).Expect(HttpStatusCode.Conflict, "booking.invalid-transition");

        var cancelled = await (await alice.Post($"/api/v1/bookings/{id}/cancel", new { reason = "sample degraded" })).Expect(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("sample degraded", cancelled.Str("statusReason"));
        await (await wei.Post($"/api/v1/bookings/{id}/reject", new { reason = "late" })).Expect(HttpStatusCode.Conflict, "booking.invalid-transition");

        // The time is free again at once.
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-04T09:00", localEnd = "2026-12-04T10:00" }))
            .Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Reject_Pending_IsRejectedWithReason()
    {
        var instrument = await NewInstrument(api, rules: new { requiresApproval = true });
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");
        var id = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-05T09:00", localEnd = "2026-12-05T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");

        var rejected = await (await wei.Post($"/api/v1/bookings/{id}/reject", new { reason = "no beam time left" })).Expect(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.Str("status"));
        Assert.Equal("rejected", (await (await alice.GetAsync($"/api/v1/bookings/{id}")).Expect(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task Get_VisibleToBookerTeamManagerAdmin_NotToOthers()
    {
        var instrument = await NewInstrument(api);
        using var alice = await api.As("alice");
        var id = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "kaznu-nano", localStart = "2026-12-06T09:00", localEnd = "2026-12-06T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");

        foreach (var user in new[] { "alice", "dana", "wei", "admin" })
        {
            using var client = await api.As(user);
            Assert.Equal(id, (await (await client.GetAsync($"/api/v1/bookings/{id}")).Expect(HttpStatusCode.OK)).Str("id"));
        }

        foreach (var user in new[] { "priya", "olga" })
        {
            using var client = await api.As(user);
            await (await client.GetAsync($"/api/v1/bookings/{id}")).Expect(HttpStatusCode.NotFound, "not-found");
        }

        await (await alice.GetAsync("/api/v1/bookings/not-a-guid")).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task List_FiltersAndPagesWithCursor()
    {
        var instrument = await NewInstrument(api);
        using var alice = await api.As("alice");
        for (var day = 7; day <= 11; day++)
        {
            await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = $"2026-12-{day:00}T09:00", localEnd = $"2026-12-{day:00}T10:00" }))
                .Expect(HttpStatusCode.Created);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await alice.GetAsync($"/api/v1/bookings?instrumentId={instrument}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))
                .Expect(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(b => b.Str("start")));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["2026-12-07T01:00:00Z", "2026-12-08T01:00:00Z", "2026-12-09T01:00:00Z", "2026-12-10T01:00:00Z", "2026-12-11T01:00:00Z"], seen);

        var window = await (await alice.GetAsync($"/api/v1/bookings?instrumentId={instrument}&from=2026-12-08T00:00:00Z&to=2026-12-10T00:00:00Z&status=confirmed"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(2, window.GetProperty("items").GetArrayLength());

        // Another team's member sees none of them.
        using var priya = await api.As("priya");
        Assert.Equal(0, (await (await priya.GetAsync($"/api/v1/bookings?instrumentId={instrument}")).Expect(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());

        await (await alice.GetAsync("/api/v1/bookings?limit=0")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.GetAsync("/api/v1/bookings?limit=1001")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.GetAsync("/api/v1/bookings?cursor=%%%")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.GetAsync("/api/v1/bookings?status=finished")).Expect(HttpStatusCode.BadRequest, "validation");
    }
}
