using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Bookings;

namespace LabScheduler.Grains.Tests;

/// <summary>Creates a lab with one instrument, a team and a member, under fresh ids per test.</summary>
internal sealed class Scenario
{
    private Scenario(IGrainFactory grains, string suffix)
    {
        Grains = grains;
        LabId = $"lab-{suffix}";
        InstrumentId = $"inst-{suffix}";
        TeamId = $"team-{suffix}";
        UserId = $"user-{suffix}";
        OutsiderId = $"outsider-{suffix}";
        ManagerId = $"manager-{suffix}";
        ColleagueId = $"colleague-{suffix}";
    }

    public IGrainFactory Grains { get; }

    public string LabId { get; }

    public string InstrumentId { get; }

    public string TeamId { get; }

    public string UserId { get; }

    public string OutsiderId { get; }

    /// <summary>Manages the scenario's lab.</summary>
    public string ManagerId { get; }

    public Actor User => new(UserId);

    public Actor Outsider => new(OutsiderId);

    public Actor Manager => new(ManagerId);

    /// <summary>A second member of the scenario's team.</summary>
    public string ColleagueId { get; }

    public Actor Colleague => new(ColleagueId);

    public IInstrumentGrain Instrument => Grains.GetGrain<IInstrumentGrain>(InstrumentId);

    public static async Task<Scenario> CreateAsync(IGrainFactory grains, BookingRules? rules = null, string zone = "Asia/Shanghai")
    {
        var scenario = new Scenario(grains, Guid.NewGuid().ToString("N")[..12]);
        await scenario.SetUpAsync(rules ?? BookingRules.Default, zone);
        return scenario;
    }

    private async Task SetUpAsync(BookingRules rules, string zone)
    {
        foreach (var id in new[] { UserId, OutsiderId, ManagerId, ColleagueId })
        {
            var user = await Grains.GetGrain<IUserGrain>(id).CreateAsync(Actor.System, new UserProfile
            {
                Id = id, DisplayName = id, Email = $"{id}@example.org", TimeZone = "Asia/Dushanbe", MemberState = "TJ",
            });
            Assert.True(user.IsSuccess, user.Problem?.Detail);
        }

        var lab = await Grains.GetGrain<ILabGrain>(LabId).CreateAsync(Actor.System, new LabProfile
        {
            Id = LabId, Name = "Test lab", HostInstitution = "Test university", MemberState = "CN", TimeZone = zone, PartnerStates = ["TJ"],
        });
        Assert.True(lab.IsSuccess, lab.Problem?.Detail);
        Assert.True((await Grains.GetGrain<ILabGrain>(LabId).AddManagerAsync(Actor.System, ManagerId)).IsSuccess);

        var instrument = await Grains.GetGrain<ILabGrain>(LabId).AddInstrumentAsync(Actor.System, new InstrumentDefinition
        {
            Id = InstrumentId, Name = "NMR 600", Category = "nmr", Currency = "CNY", Rates = new Rates(100, 150, 200), Rules = rules,
        });
        Assert.True(instrument.IsSuccess, instrument.Problem?.Detail);

        var team = Grains.GetGrain<ITeamGrain>(TeamId);
        Assert.True((await team.CreateAsync(Actor.System, new TeamProfile { Id = TeamId, Name = "Team", Institution = "TNU", MemberState = "TJ" })).IsSuccess);
        Assert.True((await team.AddMemberAsync(Actor.System, UserId)).IsSuccess);
        Assert.True((await team.AddMemberAsync(Actor.System, ColleagueId)).IsSuccess);
    }
}
