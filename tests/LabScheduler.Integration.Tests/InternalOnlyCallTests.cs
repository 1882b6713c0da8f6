using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Bookings;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Nobody talks to a grain as someone else: methods meant only for other grains refuse a real
/// Orleans cluster client (a separate client host connected through the silo's gateway port), and
/// change nothing; the same changes made through the methods that check the actor still work.
/// </summary>
public sealed class InternalOnlyCallTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("internal-only");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task InternalOnlyMethods_CalledByAClusterClient_AreRefusedAndChangeNothing()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var client = Harness.Client;
        var user = client.GetGrain<IUserGrain>(Setup.UserId);
        var team = client.GetGrain<ITeamGrain>(teamId);
        var instrument = client.GetGrain<IInstrumentGrain>(instrumentId);
        var catalog = client.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        var stolenId = $"stolen-{Guid.NewGuid():N}"[..20];

        await Refused(() => user.SetTeamAsync("some-other-team", member: true));
        await Refused(() => user.SetManagedLabAsync("some-other-lab", manages: true));
        await Refused(() => team.QuotaChangedAsync(instrumentId, 1));
        await Refused(() => instrument.InitializeAsync(
            new InstrumentDefinition { Id = instrumentId, Name = "Taken over", Category = "nmr", Currency = "CNY", Rates = new Rates(0, 0, 0), Rules = BookingRules.Default },
            new LabPlacement { LabId = "elsewhere", TimeZone = "UTC", MemberState = "TJ" }));
        await Refused(() => client.GetGrain<IInstrumentGrain>(stolenId).InitializeAsync(
            new InstrumentDefinition { Id = stolenId, Name = "Planted", Category = "nmr", Currency = "CNY", Rates = new Rates(0, 0, 0), Rules = BookingRules.Default },
            new LabPlacement { LabId = "elsewhere", TimeZone = "UTC", MemberState = "TJ" }));
        await Refused(() => instrument.SweepAsync());
        await Refused(() => catalog.UpsertLabAsync(new LabEntry { Id = "planted-lab", MemberState = "TJ" }));

        var view = (await user.GetAsync(Actor.System)).Value!;
        Assert.Equal([teamId], view.Teams);
        Assert.Empty(view.ManagedLabs);
        Assert.Empty((await team.GetAsync())!.Quotas);
        Assert.Equal("NMR", (await instrument.GetAsync())!.Definition.Name);
        Assert.Null(await client.GetGrain<IInstrumentGrain>(stolenId).GetAsync());
        Assert.DoesNotContain(await catalog.ListLabsAsync(null, 1000), l => l.Id == "planted-lab");
    }

    [Fact]
    public async Task InternalOnlyMethods_ReachedThroughGrainsOrTheSilosOwnJobs_StillWork()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);

        // The instrument grain checks the actor, stores the quota, then calls ITeamGrain.QuotaChangedAsync itself.
        var quota = await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).SetTeamQuotaAsync(Actor.System, teamId, 600);
        Assert.True(quota.IsSuccess, quota.Problem?.Detail);
        Assert.Equal(600, (await Harness.Client.GetGrain<ITeamGrain>(teamId).GetAsync())!.Quotas[instrumentId]);

        // A user who is no admin and no manager gets a refusal as a value, not a way around it.
        var refused = await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).SetTeamQuotaAsync(Setup.User, teamId, 6000);
        Assert.False(refused.IsSuccess);

        // The sweep job calls through the silo's own hosted client.
        Assert.Equal(0, await Harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync());
    }

    private static async Task Refused(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<InternalOnlyCallException>(call);
        Assert.Contains("only from inside the cluster", refused.Message, StringComparison.Ordinal);
    }
}
