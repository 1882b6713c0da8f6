using System.Net;
using Npgsql;

namespace LabScheduler.Integration.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture api)
{
    [Fact]
    public async Task Audit_RecordsWhoDidWhatToBookingsAndReferenceData_ForAdminsOnly()
    {
        var instrument = await BookingApiTests.NewInstrument(api);
        using var alice = await api.As("alice");
        using var wei = await api.As("wei");
        using var admin = await api.As("admin");
        var id = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2027-02-18T09:00", localEnd = "2027-02-18T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        await (await wei.Post($"/api/v1/bookings/{id}/cancel", new { reason = "maintenance" })).Expect(HttpStatusCode.OK);
        await (await wei.Put($"/api/v1/instruments/{instrument}/opening-hours", new { weekly = new[] { new { day = "monday", from = "08:00", to = "18:00" } } }))
            .Expect(HttpStatusCode.OK);

        var booking = await (await admin.GetAsync($"/api/v1/audit?entity=booking&entityId={id}")).Expect(HttpStatusCode.OK);
        Assert.Equal(
            [("alice", "confirmed"), ("wei", "cancelled")],
            booking.GetProperty("items").EnumerateArray().Select(r => (r.Str("actor"), r.Str("action"))));

        var settings = await (await admin.GetAsync($"/api/v1/audit?entity=instrument&entityId={instrument}")).Expect(HttpStatusCode.OK);
        Assert.Equal(
            [("admin", "created"), ("wei", "set opening hours")],
            settings.GetProperty("items").EnumerateArray().Select(r => (r.Str("actor"), r.Str("action"))));

        await (await wei.GetAsync("/api/v1/audit")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");

        await using var tamper = api.Harness.Database.DataSource.CreateCommand("DELETE FROM audit_log");
        await Assert.ThrowsAsync<PostgresException>(() => tamper.ExecuteNonQueryAsync());
    }
}
