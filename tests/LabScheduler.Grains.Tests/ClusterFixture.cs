using LabScheduler.Silo.Hosting;
using LabScheduler.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.TestingHost;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// One in-process test cluster per collection, wired exactly as the real silo (grain storage,
/// reminders and bookings on a fresh PostgreSQL database), with a fake clock the tests set.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>"Now" for every grain: Monday 2026-11-30 00:00 UTC. Only tests move it, one at a time.</summary>
    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 30, 0, 0));

    private TestDatabase? _database;
    private InProcessTestCluster? _cluster;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialized.");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A cluster client, as the gateway is: it reaches only the methods that check the actor.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The silo's own grain factory, as its jobs use it: internal-only methods pass.</summary>
    public IGrainFactory SiloGrains => Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>Runs the calendar sweep of the scenario's instrument, as the sweep job does.</summary>
    internal Task<int> SweepAsync(Scenario scenario) =>
        SiloGrains.GetGrain<LabScheduler.Contracts.Instruments.IInstrumentGrain>(scenario.InstrumentId).SweepAsync();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("grains");
        var options = new LabSchedulerSiloOptions { ConnectionString = _database.ConnectionString };
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IClock>(Clock));
        builder.ConfigureSilo((_, silo) => silo.AddLabScheduler(options, clustering: false));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
