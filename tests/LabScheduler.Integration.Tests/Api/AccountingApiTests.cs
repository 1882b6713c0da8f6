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
}
