using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>Reference data for one test: a lab in Asia/Shanghai, an instrument, a team with one member.</summary>
internal static class Setup
{
    public const string UserId = "it-user";

    public static readonly Actor User = new(UserId);

    // Tuesday 2026-12-01 09:00-11:00 in Asia/Shanghai.
    public static readonly Interval Morning = new(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 3, 0));

    public static async Task<(string InstrumentId, string TeamId)> LabWithInstrumentAsync(IGrainFactory grains, BookingRules? rules = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var labId = $"lab-{suffix}";
        var instrumentId = $"inst-{suffix}";
        var teamId = $"team-{suffix}";
        await grains.GetGrain<IUserGrain>(UserId).CreateAsync(Actor.System, new UserProfile
        {
            Id = UserId, DisplayName = "Researcher", Email = "it@example.org", TimeZone = "Asia/Dushanbe", MemberState = "TJ",
        });
        var lab = grains.GetGrain<ILabGrain>(labId);
        Assert.True((await lab.CreateAsync(Actor.System, new LabProfile
        {
            Id = labId, Name = "Xi'an NMR", HostInstitution = "XJTU", MemberState = "CN", TimeZone = "Asia/Shanghai",
        })).IsSuccess);
        var added = await lab.AddInstrumentAsync(Actor.System, new InstrumentDefinition
        {
            Id = instrumentId, Name = "NMR", Category = "nmr", Currency = "CNY", Rates = new Rates(1, 2, 3), Rules = rules ?? BookingRules.Default,
        });
        Assert.True(added.IsSuccess, added.Problem?.Detail);
        var team = grains.GetGrain<ITeamGrain>(teamId);
        Assert.True((await team.CreateAsync(Actor.System, new TeamProfile { Id = teamId, Name = "T", Institution = "TNU", MemberState = "TJ" })).IsSuccess);
        Assert.True((await team.AddMemberAsync(Actor.System, UserId)).IsSuccess);
        return (instrumentId, teamId);
    }

    public static BookCommand Book(string teamId, Interval interval) =>
        new() { TeamId = teamId, Interval = interval, Purpose = "integration" };
}
