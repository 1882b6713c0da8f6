using System.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>GET /instruments/{id}/quote, the approvals queue (GET /bookings?status=pending&amp;labId=) and GET /me/approvals/count.</summary>
[Collection(ApiCollection.Name)]
public sealed class QuoteAndApprovalsApiTests(ApiFixture api)
{
    [Theory]
    [InlineData("tnu-catalysis", "partner", 600, 900)]
    [InlineData("xjtu-structural", "internal", 400, 600)]
    [InlineData("iisc-proteomics", "external", 900, 1350)]
    public async Task Quote_OfNinetyMinutes_IsAtTheTeamsTariff(string team, string tariff, decimal rate, decimal amount)
    {
        using var alice = await api.As("alice");

        var quote = await (await alice.GetAsync($"/api/v1/instruments/xian-nmr-600/quote?teamId={team}&localStart=2027-02-25T09:00&localEnd=2027-02-25T10:30"))
            .Expect(HttpStatusCode.OK);

        Assert.Equal(("xian-nmr-600", team, tariff, "CNY"), (quote.Str("instrumentId"), quote.Str("teamId"), quote.Str("tariff"), quote.Str("currency")));
        Assert.Equal((rate, 90, amount), (quote.GetProperty("ratePerHour").GetDecimal(), quote.GetProperty("minutes").GetInt32(), quote.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task Quote_WithInstants_EqualsTheLocalForm()
    {
        using var alice = await api.As("alice");

        var quote = await (await alice.GetAsync("/api/v1/instruments/xian-nmr-600/quote?teamId=tnu-catalysis&start=2027-02-25T01:00:00Z&end=2027-02-25T02:30:00Z"))
            .Expect(HttpStatusCode.OK);

        Assert.Equal(900m, quote.GetProperty("amount").GetDecimal());
    }

    [Theory]
    [InlineData("/api/v1/instruments/no-such-thing/quote?teamId=tnu-catalysis&start=2027-02-25T01:00:00Z&end=2027-02-25T02:00:00Z", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/api/v1/instruments/xian-nmr-600/quote?teamId=no-such-team&start=2027-02-25T01:00:00Z&end=2027-02-25T02:00:00Z", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/api/v1/instruments/xian-nmr-600/quote?start=2027-02-25T01:00:00Z&end=2027-02-25T02:00:00Z", HttpStatusCode.BadRequest, "validation")]
    [InlineData("/api/v1/instruments/xian-nmr-600/quote?teamId=tnu-catalysis&start=2027-02-25T02:00:00Z&end=2027-02-25T01:00:00Z", HttpStatusCode.BadRequest, "validation")]
    public async Task Quote_WithBadInput_IsAProblem(string path, HttpStatusCode status, string code)
    {
        using var alice = await api.As("alice");

        await (await alice.GetAsync(path)).Expect(status, code);
    }

    [Fact]
    public async Task ApprovalsQueue_OfAManager_IsTheirLabsPendingBookings_AndTheCountMatches()
    {
        using var admin = await api.As("admin");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (lab, manager, instrument) = ($"appr-{suffix}", $"mgr-{suffix}", $"appr-{suffix}-krios");
        await (await admin.Post("/api/v1/users", new { id = manager, displayName = "Manager", email = $"{manager}@test.example", timeZone = "Asia/Shanghai", memberState = "CN" })).Expect(HttpStatusCode.Created);
        await (await admin.Post("/api/v1/labs", new { id = lab, name = "Approvals lab", hostInstitution = "Test", memberState = "CN", timeZone = "Asia/Shanghai", partnerStates = Array.Empty<string>() })).Expect(HttpStatusCode.Created);
        await (await admin.Put($"/api/v1/labs/{lab}/managers/{manager}")).Expect(HttpStatusCode.OK);
        await (await admin.Post($"/api/v1/labs/{lab}/instruments", new { id = instrument, name = "Krios", category = "cryo-em", currency = "CNY", rates = new { @internal = 1, partner = 1, external = 1 }, rules = new { requiresApproval = true } }))
            .Expect(HttpStatusCode.Created);
        using var alice = await api.As("alice");
        var pending = await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2027-02-25T09:00", localEnd = "2027-02-25T10:00" })).Expect(HttpStatusCode.Created);
        await (await alice.Post("/api/v1/bookings", new { instrumentId = "xian-nmr-600", teamId = "tnu-catalysis", localStart = "2027-02-26T09:00", localEnd = "2027-02-26T10:00" })).Expect(HttpStatusCode.Created);
        using var manages = await api.As(manager);

        var count = await (await manages.GetAsync("/api/v1/me/approvals/count")).Expect(HttpStatusCode.OK);
        var queue = await (await manages.GetAsync($"/api/v1/bookings?status=pending&labId={lab}")).Expect(HttpStatusCode.OK);
        var adminCount = await (await admin.GetAsync("/api/v1/me/approvals/count")).Expect(HttpStatusCode.OK);
        var otherLab = await (await alice.GetAsync($"/api/v1/bookings?labId={lab}")).Expect(HttpStatusCode.OK);

        Assert.Equal("pending", pending.Str("status"));
        Assert.Equal(1, count.GetProperty("pending").GetInt32());
        Assert.Equal([pending.Str("id")], queue.GetProperty("items").EnumerateArray().Select(b => b.Str("id")));
        Assert.True(adminCount.GetProperty("pending").GetInt32() >= 1);
        Assert.All(otherLab.GetProperty("items").EnumerateArray(), b => Assert.Equal(lab, b.Str("labId")));
        await (await manages.GetAsync("/api/v1/bookings?labId=Bad_Lab")).Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task ApprovalsCount_OfSomeoneManagingNoLab_IsZero()
    {
        using var admin = await api.As("admin");
        var id = $"nomgr-{Guid.NewGuid():N}"[..16];
        await (await admin.Post("/api/v1/users", new { id, displayName = "Nobody", email = $"{id}@test.example", timeZone = "UTC", memberState = "CN" })).Expect(HttpStatusCode.Created);
        using var user = await api.As(id);

        var count = await (await user.GetAsync("/api/v1/me/approvals/count")).Expect(HttpStatusCode.OK);

        Assert.Equal(0, count.GetProperty("pending").GetInt32());
    }
}
