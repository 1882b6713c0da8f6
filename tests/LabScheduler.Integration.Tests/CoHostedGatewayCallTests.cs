using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Gateway.Hosting;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// A gateway co-hosted in a silo calls grains through the silo's own hosted client, which the silo's
/// InternalOnlyCallFilter lets pass (the silo's jobs and seeding use it): the silo's
/// GatewayCallFilter refuses methods marked internal-only to calls made for a gateway request, and
/// only to those; grains' calls onward and the silo's own calls still reach them.
/// </summary>
public sealed class CoHostedGatewayCallTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("cohosted-calls", coHostedGateway: true);

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task InternalOnlyMethods_CalledForAGatewayRequest_AreRefused_WhileGrainsAndTheSilosJobsStillReachThem()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var grains = Harness.SiloGrains;

        await AsGatewayRequest(async () =>
        {
            await Assert.ThrowsAsync<InternalOnlyCallException>(() => grains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync());
            await Assert.ThrowsAsync<InternalOnlyCallException>(() => grains.GetGrain<IUserGrain>(Setup.UserId).SetTeamAsync("some-other-team", member: true));

            // A method that checks the actor works, and the instrument grain's own call onward to the
            // internal-only ITeamGrain.QuotaChangedAsync passes (its source is a grain).
            var quota = await grains.GetGrain<IInstrumentGrain>(instrumentId).SetTeamQuotaAsync(Actor.System, teamId, 600);
            Assert.True(quota.IsSuccess, quota.Problem?.Detail);
        });

        Assert.Equal(600, (await Harness.Client.GetGrain<ITeamGrain>(teamId).GetAsync())!.Quotas[instrumentId]);
        Assert.Equal([teamId], (await grains.GetGrain<IUserGrain>(Setup.UserId).GetAsync(Actor.System)).Value!.Teams);

        // Outside a gateway request the same hosted client is the silo's jobs': the sweep goes through.
        Assert.Equal(0, await grains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync());
    }

    /// <summary>As the co-hosted gateway's first middleware does; the mark ends when this method returns.</summary>
    private static async Task AsGatewayRequest(Func<Task> request)
    {
        GatewayCall.Mark();
        await request();
    }
}
