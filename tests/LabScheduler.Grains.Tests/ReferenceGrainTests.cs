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
        var created = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(User(id));
        Assert.True(created.IsSuccess);
        Assert.Equal("Asia/Kolkata", (await fixture.Grains.GetGrain<IUserGrain>(id).GetAsync())?.TimeZone);

        var rows = await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM OrleansStorage WHERE GrainIdExtensionString = @id AND convert_from(PayloadBinary, 'UTF8') LIKE '%Asia/Kolkata%'", ("id", id));
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task User_CreateTwice_IsConflictExists()
    {
        var id = $"u-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(User(id));
        var again = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(User(id, "Asia/Tehran"));
        Assert.Equal(ErrorCodes.AlreadyExists, again.Problem?.Code);
        Assert.Equal("Asia/Kolkata", (await fixture.Grains.GetGrain<IUserGrain>(id).GetAsync())?.TimeZone);
    }

    [Theory]
    [InlineData("Mars/Base", "IN", ErrorCodes.UnknownZone)]
    [InlineData("Asia/Kolkata", "XX", ErrorCodes.Validation)]
    public async Task User_BadZoneOrState_IsRefusedAndNothingStored(string zone, string state, string code)
    {
        var id = $"u-{Guid.NewGuid():N}"[..20];
        var created = await fixture.Grains.GetGrain<IUserGrain>(id).CreateAsync(User(id, zone, state));
        Assert.Equal(code, created.Problem?.Code);
        Assert.Null(await fixture.Grains.GetGrain<IUserGrain>(id).GetAsync());
    }

    [Fact]
    public async Task Lab_AddInstrument_InstrumentTakesTheLabsZone()
    {
        var labId = $"lab-{Guid.NewGuid():N}"[..20];
        var lab = fixture.Grains.GetGrain<ILabGrain>(labId);
        await lab.CreateAsync(new LabProfile { Id = labId, Name = "Tehran lab", HostInstitution = "UT", MemberState = "IR", TimeZone = "Asia/Tehran" });
        var added = await lab.AddInstrumentAsync(new InstrumentDefinition
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
        await lab.CreateAsync(new LabProfile { Id = labId, Name = "Lab", HostInstitution = "U", MemberState = "CN", TimeZone = "Asia/Shanghai" });
        var added = await lab.AddInstrumentAsync(new InstrumentDefinition
        {
            Id = labId + "-x", Name = "X", Category = "nmr", Currency = "CNY", Rates = new Rates(1, 2, 3),
            Rules = new() { SlotMinutes = 7 },
        });

        Assert.Equal(ErrorCodes.Validation, added.Problem?.Code);
        Assert.Empty((await lab.GetAsync())!.Instruments);
    }

    [Fact]
    public async Task Team_Members_AddRemoveAndAsk()
    {
        var id = $"t-{Guid.NewGuid():N}"[..20];
        var team = fixture.Grains.GetGrain<ITeamGrain>(id);
        await team.CreateAsync(new TeamProfile { Id = id, Name = "Team", Institution = "NSU", MemberState = "RU" });
        await team.AddMemberAsync("olga");
        await team.AddMemberAsync("olga");
        Assert.True(await team.IsMemberAsync("olga"));
        Assert.Equal(["olga"], (await team.GetAsync())?.Members);
        await team.RemoveMemberAsync("olga");
        Assert.False(await team.IsMemberAsync("olga"));
    }
}
