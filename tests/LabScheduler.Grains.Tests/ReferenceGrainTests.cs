using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ReferenceGrainTests(ClusterFixture fixture)
{
    private static UserProfile User(string id, string zone = "Asia/Kolkata", string state = "IN") =>
        new() { Id = id, DisplayName = "Priya", Email = "priya@example.org", TimeZone = zone, MemberState = state };

    [Fact]
    public async Task User_CreateThenGet_ReturnsProfileAndItIsStoredInPostgres()
    {
        var id = $"u-{Guid.NewGuid():N}"[..20];
        var created = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(Actor.System, User(id));
        Assert.True(created.IsSuccess);
        Assert.Equal("Asia/Kolkata", (await fixture.Grains.GetGrain<IUserGrain>(id).GetProfileAsync())?.TimeZone);

        var rows = await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString = @id AND convert_from(PayloadBinary, 'UTF8') LIKE '%Asia/Kolkata%'", ("id", id));
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task User_CreateTwice_IsConflictExists()
    {
        var id = $"u-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(Actor.System, User(id));
        var again = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(Actor.System, User(id, "Asia/Tehran"));
        Assert.Equal(ErrorCodes.AlreadyExists, again.Problem?.Code);
        Assert.Equal("Asia/Kolkata", (await fixture.Grains.GetGrain<IUserGrain>(id).GetProfileAsync())?.TimeZone);
    }

    [Theory]
    [InlineData("Mars/Base", "IN", ErrorCodes.UnknownZone)]
    [InlineData("Asia/Kolkata", "XX", ErrorCodes.Validation)]
    public async Task User_BadZoneOrState_IsRefusedAndNothingStored(string zone, string state, string code)
    {
        var id = $"u-{Guid.NewGuid():N}"[..20];
        var created = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(Actor.System, User(id, zone, state));
        Assert.Equal(code, created.Problem?.Code);
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(id).GetProfileAsync());
    }

    [Fact]
    public async Task Lab_AddInstrument_InstrumentTakesTheLabsZone()
    {
        var labId = $"lab-{Guid.NewGuid():N}"[..20];
        var lab = fixture.Grains.GetGrain<ILabGrain>(labId);
        await lab.CreateAsync(Actor.System, new LabProfile { Id = labId, Name = "Tehran lab", HostInstitution = "UT", MemberState = "IR", TimeZone = "Asia/Tehran" });
        var added = await lab.AddInstrumentAsync(Actor.System, new InstrumentDefinition
        {
            Id = labId + "-ms", Name = "Q-TOF", Category = "mass-spec", Currency = "IRR", Rates = new Rates(1, 2, 3),
        });

        Assert.True(added.IsSuccess, added.Problem?.Detail);
        Assert.Equal("Asia/Tehran", (await fixture.Grains.GetGrain<IInstrumentGrain>(labId + "-ms").GetAsync())?.TimeZone);
        Assert.Equal([labId + "-ms"], (await lab.GetAsync())?.Instruments);
    }

    [Fact]
    public async Task Lab_AddInstrumentWithInvalidRules_IsValidationAndNotListed()
    {
        var labId = $"lab-{Guid.NewGuid():N}"[..20];
        var lab = fixture.Grains.GetGrain<ILabGrain>(labId);
        await lab.CreateAsync(Actor.System, new LabProfile { Id = labId, Name = "Lab", HostInstitution = "U", MemberState = "CN", TimeZone = "Asia/Shanghai" });
        var added = await lab.AddInstrumentAsync(Actor.System, new InstrumentDefinition
        {
            Id = labId + "-x", Name = "X", Category = "nmr", Currency = "CNY", Rates = new Rates(1, 2, 3),
            Rules = new() { SlotMinutes = 7 },
        });

        Assert.Equal(ErrorCodes.Validation, added.Problem?.Code);
        Assert.Empty((await lab.GetAsync())!.Instruments);
    }

    [Fact]
    public async Task Team_Members_AddRemoveAndTheUserKnowsItsTeams()
    {
        var id = $"t-{Guid.NewGuid():N}"[..20];
        var userId = $"u-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<IUserGrain>(userId).CreateAsync(Actor.System, User(userId));
        var team = fixture.Grains.GetGrain<ITeamGrain>(id);
        await team.CreateAsync(Actor.System, new TeamProfile { Id = id, Name = "Team", Institution = "NSU", MemberState = "RU" });
        await team.AddMemberAsync(Actor.System, userId);
        await team.AddMemberAsync(Actor.System, userId);
        Assert.True(await team.IsMemberAsync(userId));
        Assert.Equal([userId], (await team.GetAsync())?.Members);
        Assert.Equal([id], (await fixture.Grains.GetGrain<IUserGrain>(userId).GetAccessAsync()).Teams);

        await team.RemoveMemberAsync(Actor.System, userId);
        Assert.False(await team.IsMemberAsync(userId));
        Assert.Empty((await fixture.Grains.GetGrain<IUserGrain>(userId).GetAccessAsync()).Teams);
    }

    [Fact]
    public async Task Team_AddUnknownUser_IsNotFound()
    {
        var id = $"t-{Guid.NewGuid():N}"[..20];
        var team = fixture.Grains.GetGrain<ITeamGrain>(id);
        await team.CreateAsync(Actor.System, new TeamProfile { Id = id, Name = "Team", Institution = "NSU", MemberState = "RU" });
        Assert.Equal(ErrorCodes.NotFound, (await team.AddMemberAsync(Actor.System, "nobody-here")).Problem?.Code);
    }

    [Fact]
    public async Task AdminOnlyOperations_ByANonAdmin_AreForbiddenAndChangeNothing()
    {
        var userId = $"u-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<IUserGrain>(userId).CreateAsync(Actor.System, User(userId));
        var researcher = new Actor(userId);
        var labId = $"lab-{Guid.NewGuid():N}"[..20];

        var lab = await fixture.Grains.GetGrain<ILabGrain>(labId).CreateAsync(researcher, new LabProfile
        {
            Id = labId, Name = "Lab", HostInstitution = "U", MemberState = "CN", TimeZone = "Asia/Shanghai",
        });
        var user = await fixture.Grains.GetGrain<IUserGrain>("x" + userId).CreateAsync(researcher, User("x" + userId));

        Assert.Equal(ErrorCodes.Forbidden, lab.Problem?.Code);
        Assert.Equal(ErrorCodes.Forbidden, user.Problem?.Code);
        Assert.Null(await fixture.Grains.GetGrain<ILabGrain>(labId).GetAsync());
    }

    [Fact]
    public async Task User_ReadByAnotherNonAdmin_IsForbidden_ByThemselvesAllowed()
    {
        var a = $"u-{Guid.NewGuid():N}"[..20];
        var b = $"u-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<IUserGrain>(a).CreateAsync(Actor.System, User(a));
        await fixture.Grains.GetGrain<IUserGrain>(b).CreateAsync(Actor.System, User(b));

        Assert.Equal(ErrorCodes.Forbidden, (await fixture.Grains.GetGrain<IUserGrain>(a).GetAsync(new Actor(b))).Problem?.Code);
        Assert.True((await fixture.Grains.GetGrain<IUserGrain>(a).GetAsync(new Actor(a))).IsSuccess);
    }
}
