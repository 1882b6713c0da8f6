using System.Net;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AccountingApiTests(ApiFixture api)
{
    [Fact]
    public async Task Quota_EnforcedAtBookingTime_AndReportedInTeamUsage()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var wei = await api.As("wei");
        using var olga = await api.As("olga");
        await (await wei.Put($"/api/v1/teams/nsu-biophysics/quotas/{instrument}", new { minutesPerMonth = 60 })).Expect(HttpStatusCode.OK);

        await (await olga.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "nsu-biophysics", localStart = "2026-12-14T09:00", localEnd = "2026-12-14T10:00" }))
            .Expect(HttpStatusCode.Created);
        await (await olga.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "nsu-biophysics", localStart = "2026-12-15T09:00", localEnd = "2026-12-15T09:30" }))
            .Expect(HttpStatusCode.UnprocessableEntity, "quota.exceeded");
        // Another month has its own quota.
        await (await olga.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "nsu-biophysics", localStart = "2027-01-05T09:00", localEnd = "2027-01-05T10:00" }))
            .Expect(HttpStatusCode.Created);

        var usage = await (await olga.GetAsync("/api/v1/teams/nsu-biophysics/usage?month=2026-12")).Expect(HttpStatusCode.OK);
        Assert.Equal("2026-12", usage.Str("month"));
        var quota = usage.GetProperty("quotas").EnumerateArray().Single(q => q.Str("instrumentId") == instrument);
        Assert.Equal(60, quota.GetProperty("minutesPerMonth").GetInt32());
        Assert.Equal(60, quota.GetProperty("usedMinutes").GetInt32());

        using var priya = await api.As("priya");
        await (await priya.GetAsync("/api/v1/teams/nsu-biophysics/usage?month=2026-12")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await olga.GetAsync("/api/v1/teams/nsu-biophysics/usage?month=December")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await olga.GetAsync("/api/v1/teams/no-such-team/usage?month=2026-12")).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Utilization_JsonAndCsv_ForAdminAndOwnLabManager_NotForResearchers()
    {
        using var admin = await api.As("admin");
        var json = await (await admin.GetAsync("/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&groupBy=lab")).Expect(HttpStatusCode.OK);
        Assert.Contains(json.GetProperty("items").EnumerateArray(), i => i.Str("key") == "xian-nmr" && i.GetProperty("openMinutes").GetInt64() > 0);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&groupBy=memberState");
        request.Headers.Accept.ParseAdd("text/csv");
        var csv = await admin.SendAsync(request);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,openMinutes,bookedMinutes,usedMinutes,utilization,noShows,cancellations,bookings,noShowRate,cancellationRate", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("CN,", StringComparison.Ordinal));

        using var wei = await api.As("wei");
        await (await wei.GetAsync("/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&labId=xian-nmr")).Expect(HttpStatusCode.OK);
        await (await wei.GetAsync("/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&labId=delhi-nmr")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        using var alice = await api.As("alice");
        await (await alice.GetAsync("/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&labId=xian-nmr")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await admin.GetAsync("/api/v1/reports/utilization?from=2026-12-01&to=2027-01-01&groupBy=planet")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await admin.GetAsync("/api/v1/reports/utilization?from=2027-01-01&to=2026-12-01")).Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task HeatMap_CountsBookedMinutesByLocalHourOfWeek()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2027-02-17T09:00", localEnd = "2027-02-17T10:30" }))
            .Expect(HttpStatusCode.Created);

        using var wei = await api.As("wei");
        var map = await (await wei.GetAsync("/api/v1/reports/heatmap?from=2027-02-17&to=2027-02-18&labId=xian-nmr")).Expect(HttpStatusCode.OK);
        Assert.Equal("wednesday", map.GetProperty("days")[2].GetString());
        Assert.Equal(60, map.GetProperty("minutes")[2][9].GetInt64());
        Assert.Equal(30, map.GetProperty("minutes")[2][10].GetInt64());
        await (await alice.GetAsync("/api/v1/reports/heatmap?from=2027-02-17&to=2027-02-18&labId=xian-nmr")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
    }
}
