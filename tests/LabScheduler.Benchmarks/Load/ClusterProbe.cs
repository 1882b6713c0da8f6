using LabScheduler.Grains.Instruments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// What only the silos of a deploy/cluster.sh cluster know, asked as an Orleans client of it (the
/// membership table of the benchmark's database, ClusterId and ServiceId as cluster.sh and the
/// silos' appsettings set them): which silo holds each instrument grain's activation, from
/// Orleans' management grain (as the dashboard asks it).
/// </summary>
public static class ClusterProbe
{
    /// <summary>Instrument id to the silo (host:port) that holds its activation, for every active instrument grain.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> InstrumentSilosAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "labsched";
                o.ServiceId = "labscheduler";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        });
        using var host = builder.Build();
        using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.StartAsync(connecting.Token);
        }

        try
        {
            var management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            var statistics = await management.GetDetailedGrainStatistics();
            var instrumentGrain = typeof(InstrumentGrain).FullName!;
            return statistics
                .Where(s => s.GrainType.Contains(instrumentGrain, StringComparison.Ordinal))
                .DistinctBy(s => s.GrainId)
                .ToDictionary(s => s.GrainId.Key.ToString()!, s => s.SiloAddress.Endpoint.ToString(), StringComparer.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
