using System.Net;
using System.Net.Sockets;
using LabScheduler.Silo.Hosting;
using LabScheduler.Silo.Jobs;
using LabScheduler.Silo.Seeding;
using Microsoft.Extensions.Logging.Abstractions;
using LabScheduler.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Orleans.Configuration;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Real hosts as in production: a silo with ADO.NET clustering, storage and reminders on its
/// own PostgreSQL database, and a separate Orleans client that finds it through the
/// membership table. Silos can be stopped and started again on the same database.
/// </summary>
public sealed class SiloHarness : IAsyncDisposable
{
    private readonly List<IHost> _silos = [];
    private IHost? _client;

    private SiloHarness(TestDatabase database, string clusterId)
    {
        Database = database;
        Options = new LabSchedulerSiloOptions { ConnectionString = database.ConnectionString, ClusterId = clusterId };
    }

    /// <summary>"Now" for the silos: Monday 2026-11-30 00:00 UTC.</summary>
    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 30, 0, 0));

    public TestDatabase Database { get; }

    public LabSchedulerSiloOptions Options { get; }

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("Call ConnectClientAsync first.");

    public IReadOnlyList<IHost> Silos => _silos;

    /// <summary>The first silo's own grain factory, as its jobs use it: internal-only methods pass.</summary>
    public IGrainFactory SiloGrains => _silos[0].Services.GetRequiredService<IGrainFactory>();

    /// <summary>Whether silos have the silo side of a co-hosted gateway (CoHostedGateway: its call filter and readiness).</summary>
    public bool CoHostedGateway { get; private init; }

    /// <summary>Whether silos run the Quartz calendar jobs (clustered, on the same database).</summary>
    public bool WithJobs { get; private init; }

    /// <summary>TLS of the silos (Orleans__Tls__* of LabSchedulerSiloOptions); null for none.</summary>
    public LabScheduler.Contracts.Cluster.ClusterTls? SiloTls { get; private init; }

    /// <summary>TLS of the harness's own client, as a gateway has it; null for none.</summary>
    public LabScheduler.Contracts.Cluster.ClusterTls? ClientTls { get; private init; }

    /// <summary>Whether silos carry the Orleans dashboard's silo side (Orleans__Dashboard).</summary>
    public bool Dashboard { get; private init; }

    public static async Task<SiloHarness> StartAsync(string purpose, bool seedDemo = false, bool withJobs = false,
        LabScheduler.Contracts.Cluster.ClusterTls? siloTls = null, LabScheduler.Contracts.Cluster.ClusterTls? clientTls = null,
        bool seedHistory = false, bool dashboard = false, bool coHostedGateway = false)
    {
        var harness = new SiloHarness(await TestDatabase.CreateAsync(purpose), $"it-{Guid.NewGuid():N}"[..16])
        {
            WithJobs = withJobs, SiloTls = siloTls, ClientTls = clientTls, Dashboard = dashboard, CoHostedGateway = coHostedGateway,
        };
        await harness.StartSiloAsync();
        await harness.ConnectClientAsync();
        // The demo's six months of past sessions are recorded through a silo-internal grain call, so
        // they are seeded from inside the silo, at the harness's clock.
        var seeder = seedHistory
            ? new DataSeeder(harness.SiloGrains, seedDemo, NullLogger<DataSeeder>.Instance, harness.Clock)
            : new DataSeeder(harness.Client, seedDemo, NullLogger<DataSeeder>.Instance);
        await seeder.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Starts one more silo of the cluster on free ports.</summary>
    public async Task<IHost> StartSiloAsync(string? name = null)
    {
        var options = new LabSchedulerSiloOptions
        {
            ConnectionString = Options.ConnectionString,
            ClusterId = Options.ClusterId,
            SiloPort = LoopbackPorts.Free(),
            GatewayPort = LoopbackPorts.Free(),
            SiloName = name,
            Tls = SiloTls ?? new(),
            Dashboard = Dashboard,
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IClock>(Clock);
        if (WithJobs)
        {
            builder.Services.AddLabSchedulerJobs(options.ConnectionString);
        }

        builder.UseOrleans(silo =>
        {
            silo.AddLabScheduler(options);
            if (CoHostedGateway)
            {
                silo.AddCoHostedGateway(builder.Configuration);
            }

            // Tests stop silos on purpose: let the survivors notice quickly.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.NumMissedProbesLimit = 1;
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.DefunctSiloExpiration = TimeSpan.FromMinutes(1);
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        _silos.Add(host);
        return host;
    }

    /// <summary>Stops a silo gracefully and forgets it.</summary>
    public async Task StopSiloAsync(IHost silo)
    {
        await silo.StopAsync();
        silo.Dispose();
        _silos.Remove(silo);
    }

    public async Task ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Options.ClusterId;
                o.ServiceId = Options.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = SiloSetup.Invariant;
                o.ConnectionString = Options.ConnectionString;
            });
            if (ClientTls is { } tls)
            {
                var peers = tls.PeerValidator();
                client.UseTls(tls.LoadCertificate(), o => o.RemoteCertificateValidation = (remote, chain, errors) => peers(remote, chain, errors));
            }
        });
        _client = builder.Build();
        await _client.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos.ToList())
        {
            await StopSiloAsync(silo);
        }

        await Database.DisposeAsync();
    }

}
