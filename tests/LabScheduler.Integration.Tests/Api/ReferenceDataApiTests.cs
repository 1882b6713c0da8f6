using System.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>Users, labs, teams, instruments, opening hours, blackouts and free time through HTTP.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReferenceDataApiTests(ApiFixture api)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    [Fact]
    public async Task Users_CreateReadAndRefuseBadInput()
    {
        using var admin = await api.As("admin");
        var id = NewId("u");
        var created = await admin.Post("/api/v1/users", new { id, displayName = "Farrukh", email = "f@tnu.example", timeZone = "Asia/Tashkent", memberState = "UZ" });
        var user = await created.Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/users/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("Asia/Tashkent", user.Str("timeZone"));

        await (await admin.Post("/api/v1/users", new { id, displayName = "Again", email = "a@b.c", timeZone = "Asia/Tashkent", memberState = "UZ" }))
            .Expect(HttpStatusCode.Conflict, "conflict.exists");
        await (await admin.Post("/api/v1/users", new { id = NewId("u"), displayName = "Z", email = "z@b.c", timeZone = "Asia/Nowhere", memberState = "UZ" }))
            .Expect(HttpStatusCode.BadRequest, "time.unknown-zone");
        var invalid = await (await admin.Post("/api/v1/users", new { id = "Bad Id!", displayName = "", email = "x", timeZone = "UTC", memberState = "ZZ" }))
            .Expect(HttpStatusCode.BadRequest, "validation");
        var fields = invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "id", "displayName", "memberState" }, fields);

        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/users", new { id = NewId("u"), displayName = "X", email = "x@y.z", timeZone = "UTC", memberState = "CN" }))
            .Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await alice.GetAsync($"/api/v1/users/{id}")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal("alice", (await (await alice.GetAsync("/api/v1/users/alice")).Expect(HttpStatusCode.OK)).Str("id"));
        await (await admin.GetAsync("/api/v1/users/nobody-at-all")).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Me_ShowsTeamsAndManagedLabs()
    {
        using var alice = await api.As("alice");
        var me = await (await alice.GetAsync("/api/v1/me")).Expect(HttpStatusCode.OK);
        Assert.Contains("tnu-catalysis", me.GetProperty("teams").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("dushanbe-materials", me.GetProperty("managedLabs").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task MemberStates_ListsTheScoMembers()
    {
        using var alice = await api.As("alice");
        var states = await (await alice.GetAsync("/api/v1/member-states")).Expect(HttpStatusCode.OK);
        var members = states.EnumerateArray().Where(s => s.Str("kind") == "member").Select(s => s.Str("code")).ToHashSet();
        Assert.Equal(new HashSet<string> { "CN", "RU", "KZ", "KG", "TJ", "UZ", "IN", "PK", "IR", "BY" }, members);
    }

    [Fact]
    public async Task Labs_CreateListPageAndManagers()
    {
        using var admin = await api.As("admin");
        var id = NewId("lab");
        await (await admin.Post("/api/v1/labs", new { id, name = "Bishkek lab", hostInstitution = "KRSU", memberState = "KG", timeZone = "Asia/Bishkek", partnerStates = new[] { "KZ" } }))
            .Expect(HttpStatusCode.Created);
        await (await admin.Post("/api/v1/labs", new { id = NewId("lab"), name = "x", hostInstitution = "y", memberState = "KG", timeZone = "Asia/Bishkek", partnerStates = new[] { "QQ" } }))
            .Expect(HttpStatusCode.BadRequest, "validation");

        var all = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync("/api/v1/labs?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"))).Expect(HttpStatusCode.OK);
            all.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.Str("id")));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);
        Assert.Contains(id, all);
        Assert.Contains("xian-nmr", all);
        Assert.Equal(all.Count, all.Distinct().Count());

        await (await admin.Put($"/api/v1/labs/{id}/managers/dana")).Expect(HttpStatusCode.OK);
        using var dana = await api.As("dana");
        var instrument = await (await dana.Post($"/api/v1/labs/{id}/instruments", new
        {
            id = NewId("ins"), name = "AFM", category = "afm", currency = "KGS", rates = new { @internal = 1, partner = 2, external = 3 },
        })).Expect(HttpStatusCode.Created);
        Assert.Equal("Asia/Bishkek", instrument.Str("timeZone"));

        await (await admin.DeleteAsync($"/api/v1/labs/{id}/managers/dana")).Expect(HttpStatusCode.OK);
        await (await dana.Post($"/api/v1/labs/{id}/instruments", new
        {
            id = NewId("ins"), name = "AFM 2", category = "afm", currency = "KGS", rates = new { @internal = 1, partner = 2, external = 3 },
        })).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await admin.GetAsync("/api/v1/labs/no-such-lab")).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Instruments_FilterPatchAndValidateRules()
    {
        using var wei = await api.As("wei");
        var byCategory = await (await wei.GetAsync("/api/v1/instruments?category=mass-spec")).Expect(HttpStatusCode.OK);
        var ids = byCategory.GetProperty("items").EnumerateArray().Select(i => i.Str("id")).ToList();
        Assert.Contains("xian-ms-orbitrap", ids);
        Assert.Contains("tehran-ms-qtof", ids);
        Assert.DoesNotContain("xian-nmr-600", ids);

        var inIran = await (await wei.GetAsync("/api/v1/instruments?category=mass-spec&memberState=IR")).Expect(HttpStatusCode.OK);
        Assert.Equal(["tehran-ms-qtof"], inIran.GetProperty("items").EnumerateArray().Select(i => i.Str("id")));

        var instrument = await BookingApiTests.NewInstrument(api);
        var patched = await (await wei.Patch($"/api/v1/instruments/{instrument}", new { name = "NMR 700", rules = new { bufferMinutes = 30 } })).Expect(HttpStatusCode.OK);
        Assert.Equal("NMR 700", patched.Str("name"));
        Assert.Equal(30, patched.GetProperty("rules").GetProperty("bufferMinutes").GetInt32());
        Assert.Equal(15, patched.GetProperty("rules").GetProperty("slotMinutes").GetInt32());

        await (await wei.Patch($"/api/v1/instruments/{instrument}", new { rules = new { slotMinutes = 7 } })).Expect(HttpStatusCode.BadRequest, "validation");
        await (await wei.Patch($"/api/v1/instruments/{instrument}", new { status = "broken" })).Expect(HttpStatusCode.BadRequest, "validation");
        using var alice = await api.As("alice");
        await (await alice.Patch($"/api/v1/instruments/{instrument}", new { name = "mine" })).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal("NMR 700", (await (await alice.GetAsync($"/api/v1/instruments/{instrument}")).Expect(HttpStatusCode.OK)).Str("name"));
    }

    [Fact]
    public async Task Teams_MembersAndQuotas()
    {
        using var admin = await api.As("admin");
        var id = NewId("team");
        await (await admin.Post("/api/v1/teams", new { id, name = "Genomics", institution = "UzNU", memberState = "UZ" })).Expect(HttpStatusCode.Created);
        await (await admin.Put($"/api/v1/teams/{id}/members/priya")).Expect(HttpStatusCode.OK);
        await (await admin.Put($"/api/v1/teams/{id}/members/nobody-here")).Expect(HttpStatusCode.NotFound, "not-found");

        using var wei = await api.As("wei");
        var quota = await (await wei.Put($"/api/v1/teams/{id}/quotas/xian-nmr-600", new { minutesPerMonth = 600 })).Expect(HttpStatusCode.OK);
        Assert.Equal(600, quota.GetProperty("minutesPerMonth").GetInt32());
        using var olga = await api.As("olga");
        await (await olga.Put($"/api/v1/teams/{id}/quotas/xian-nmr-600", new { minutesPerMonth = 6000 })).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await wei.Put($"/api/v1/teams/{id}/quotas/xian-nmr-600", new { minutesPerMonth = -5 })).Expect(HttpStatusCode.BadRequest, "validation");

        using var priya = await api.As("priya");
        var team = await (await priya.GetAsync($"/api/v1/teams/{id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(600, team.GetProperty("quotas")[0].GetProperty("minutesPerMonth").GetInt32());
    }

    [Fact]
    public async Task OpeningHours_SetReadAndFreeTimeFollowsThem()
    {
        var instrument = await BookingApiTests.NewInstrument(api, rules: new { bufferMinutes = 15 });
        using var wei = await api.As("wei");
        await (await wei.Put($"/api/v1/instruments/{instrument}/opening-hours", new
        {
            weekly = new[] { new { day = "tuesday", from = "08:00", to = "12:00" }, new { day = "tuesday", from = "22:00", to = "02:00" } },
            closedDates = Array.Empty<string>(),
        })).Expect(HttpStatusCode.OK);
        var hours = await (await wei.GetAsync($"/api/v1/instruments/{instrument}/opening-hours")).Expect(HttpStatusCode.OK);
        Assert.Equal("22:00", hours.GetProperty("weekly")[1].Str("from"));

        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Created);

        var free = await (await alice.GetAsync($"/api/v1/instruments/{instrument}/free?from=2026-12-01&to=2026-12-02&tz=UTC")).Expect(HttpStatusCode.OK);
        var spans = free.GetProperty("items").EnumerateArray().Select(i => $"{i.GetProperty("lab").Str("start")}/{i.GetProperty("lab").Str("end")}").ToList();
        Assert.Equal(
            ["2026-12-01T08:00:00+08:00/2026-12-01T08:45:00+08:00", "2026-12-01T10:15:00+08:00/2026-12-01T12:00:00+08:00", "2026-12-01T22:00:00+08:00/2026-12-02T00:00:00+08:00"],
            spans);
        Assert.Equal("UTC", free.GetProperty("items")[0].GetProperty("requester").Str("timeZone"));

        await (await wei.Put($"/api/v1/instruments/{instrument}/opening-hours", new { weekly = new[] { new { day = "funday", from = "08:00", to = "25:00" } } }))
            .Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.GetAsync($"/api/v1/instruments/{instrument}/free?from=2026-12-02&to=2026-12-01")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await alice.Put($"/api/v1/instruments/{instrument}/opening-hours", new { weekly = Array.Empty<object>() })).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task Blackouts_ConflictListsBookingsUnlessCancelling()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");
        var booking = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        var blackout = new { start = "2026-12-01T00:00:00+08:00", end = "2026-12-02T00:00:00+08:00", reason = "helium refill" };

        var conflict = await (await wei.Post($"/api/v1/instruments/{instrument}/blackouts", blackout)).Expect(HttpStatusCode.Conflict, "blackout.conflict");
        Assert.Equal([booking], conflict.GetProperty("conflicts").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("confirmed", (await (await alice.GetAsync($"/api/v1/bookings/{booking}")).Expect(HttpStatusCode.OK)).Str("status"));

        var created = await (await wei.Post($"/api/v1/instruments/{instrument}/blackouts", new { blackout.start, blackout.end, blackout.reason, cancelConflicting = true }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("2026-12-01T00:00:00+08:00", created.GetProperty("lab").Str("start"));
        Assert.Equal("cancelled", (await (await alice.GetAsync($"/api/v1/bookings/{booking}")).Expect(HttpStatusCode.OK)).Str("status"));
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-01T09:00", localEnd = "2026-12-01T10:00" }))
            .Expect(HttpStatusCode.Conflict, "booking.conflict");
        Assert.Empty((await (await alice.GetAsync($"/api/v1/instruments/{instrument}/free?from=2026-12-01&to=2026-12-02")).Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await (await alice.Post($"/api/v1/instruments/{instrument}/blackouts", blackout)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
    }
}
