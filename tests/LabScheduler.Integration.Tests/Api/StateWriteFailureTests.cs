using System.Net;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// Memory never runs ahead of storage: when PostgreSQL refuses a grain's state write, adding a team
/// member or a lab manager is 503 <c>unavailable</c> with Retry-After and the access checks refuse what
/// was not stored; once writes go through again the same request grants it. While such a write is in
/// flight, the always-interleaved access checks answer from what is stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StateWriteFailureTests(ApiFixture api) : IAsyncLifetime
{
    private static readonly Actor Admin = new("admin");

    private StateWriteFaults? _faults;

    private StateWriteFaults Faults => _faults ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _faults = await StateWriteFaults.InstallAsync(api.Harness.Database);

    public async Task DisposeAsync()
    {
        if (_faults is not null)
        {
            await _faults.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("team")]
    [InlineData("user")]
    public async Task AddMember_StateWriteRefused_IsUnavailableAndGrantsNothing_ThenTheRetryGrants(string refused)
    {
        using var admin = await api.As("admin");
        var userId = await NewUserAsync(admin);
        var teamId = await NewTeamAsync(admin);
        using var user = await api.As(userId);
        var booking = new { instrumentId = await BookingApiTests.NewInstrument(api), teamId, localStart = "2026-12-21T09:00", localEnd = "2026-12-21T10:00" };

        await Faults.RefuseAsync(refused == "team" ? teamId : userId);
        await ExpectUnavailable(await admin.Put($"/api/v1/teams/{teamId}/members/{userId}"));
        await (await user.Post("/api/v1/bookings", booking)).Expect(HttpStatusCode.Forbidden, "auth.not-team-member");
        var team = await (await admin.GetAsync($"/api/v1/teams/{teamId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(refused == "team" ? [] : [userId], team.GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        await Faults.ClearAsync();
        await (await admin.Put($"/api/v1/teams/{teamId}/members/{userId}")).Expect(HttpStatusCode.OK);
        await (await user.Post("/api/v1/bookings", booking)).Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("lab")]
    [InlineData("user")]
    public async Task AddManager_StateWriteRefused_IsUnavailableAndGrantsNothing_ThenTheRetryGrants(string refused)
    {
        using var admin = await api.As("admin");
        var userId = await NewUserAsync(admin);
        var labId = NewId("lab");
        await (await admin.Post("/api/v1/labs", new { id = labId, name = "Bishkek lab", hostInstitution = "KRSU", memberState = "KG", timeZone = "Asia/Bishkek" }))
            .Expect(HttpStatusCode.Created);
        using var user = await api.As(userId);
        var instrument = new { id = NewId("ins"), name = "AFM", category = "afm", currency = "KGS", rates = new { @internal = 1, partner = 2, external = 3 } };

        await Faults.RefuseAsync(refused == "lab" ? labId : userId);
        await ExpectUnavailable(await admin.Put($"/api/v1/labs/{labId}/managers/{userId}"));
        await (await user.Post($"/api/v1/labs/{labId}/instruments", instrument)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        var lab = await (await admin.GetAsync($"/api/v1/labs/{labId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(refused == "lab" ? [] : [userId], lab.GetProperty("managers").EnumerateArray().Select(m => m.GetString()));

        await Faults.ClearAsync();
        await (await admin.Put($"/api/v1/labs/{labId}/managers/{userId}")).Expect(HttpStatusCode.OK);
        await (await user.Post($"/api/v1/labs/{labId}/instruments", instrument)).Expect(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("team")]
    [InlineData("user")]
    public async Task AddMember_WhileAStateWriteIsInFlight_TheInterleavedAccessChecksAnswerFromStorage(string held)
    {
        using var admin = await api.As("admin");
        var userId = await NewUserAsync(admin);
        var teamId = await NewTeamAsync(admin);
        var team = api.Harness.Client.GetGrain<ITeamGrain>(teamId);
        var user = api.Harness.Client.GetGrain<IUserGrain>(userId);

        await Faults.HoldAsync(held == "team" ? teamId : userId);
        var adding = team.AddMemberAsync(Admin, userId);
        await Faults.WaitUntilHeldAsync();
        Assert.Equal(held == "user", await team.IsMemberAsync(userId)); // the team's side is stored before the user's
        Assert.False((await user.GetAccessAsync()).BelongsTo(teamId));

        await Faults.ClearAsync();
        var added = await adding;
        Assert.True(added.IsSuccess, added.Problem?.Detail);
        Assert.True(await team.IsMemberAsync(userId));
        Assert.True((await user.GetAccessAsync()).BelongsTo(teamId));
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static async Task<string> NewUserAsync(HttpClient admin)
    {
        var id = NewId("u");
        await (await admin.Post("/api/v1/users", new { id, displayName = "Aigerim", email = "aigerim@krsu.example", timeZone = "Asia/Bishkek", memberState = "KG" }))
            .Expect(HttpStatusCode.Created);
        return id;
    }

    private static async Task<string> NewTeamAsync(HttpClient admin)
    {
        var id = NewId("t");
        await (await admin.Post("/api/v1/teams", new { id, name = "Surface physics", institution = "KRSU", memberState = "KG" })).Expect(HttpStatusCode.Created);
        return id;
    }

    private static async Task ExpectUnavailable(HttpResponseMessage response)
    {
        await response.Expect(HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
