using LabScheduler.Contracts.Bookings;
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

    // Tuesday 2026-12-01 09:00-11:00 in Asia/Shanghai.
    public static readonly Interval Morning = new(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 3, 0));

    public static async Task<(string InstrumentId, string TeamId)> LabWithInstrumentAsync(IGrainFactory grains, BookingRules? rules = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var labId = $"lab-{suffix}";
        var instrumentId = $"inst-{suffix}";
        var teamId = $"team-{suffix}";
        var lab = grains.GetGrain<ILabGrain>(labId);
        Assert.True((await lab.CreateAsync(new LabProfile
        {
            Id = labId, Name = "Xi'an NMR", HostInstitution = "XJTU", MemberState = "CN", TimeZone = "Asia/Shanghai",
        })).IsSuccess);
        var added = await lab.AddInstrumentAsync(new InstrumentDefinition
        {
            Id = instrumentId, Name = "NMR", Category = "nmr", Currency = "CNY", Rates = new Rates(1, 2, 3), Rules = rules ?? BookingRules.Default,
        });
        Assert.True(added.IsSuccess, added.Problem?.Detail);
        var team = grains.GetGrain<ITeamGrain>(teamId);
        Assert.True((await team.CreateAsync(new TeamProfile { Id = teamId, Name = "T", Institution = "TNU", MemberState = "TJ" })).IsSuccess);
        Assert.True((await team.AddMemberAsync(UserId)).IsSuccess);
        return (instrumentId, teamId);
    }

    public static BookCommand Book(string teamId, Interval interval) =>
        new() { TeamId = teamId, UserId = UserId, Interval = interval, Purpose = "integration" };
}
