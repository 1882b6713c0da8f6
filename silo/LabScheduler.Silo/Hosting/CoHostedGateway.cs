using LabScheduler.Gateway.Hosting;
using LabScheduler.Gateway.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// The silo's side of a gateway co-hosted in its process (<c>Gateway__CoHosted=true</c>, see
/// <see cref="GatewayHosting.InSilo"/>): what a separate gateway's Orleans client setup does, as the
/// silo does it. Client-only parts have no counterpart: no connection to retry, no client TLS (the
/// calls never leave the process), and Npgsql's exceptions need no codec (the silo registers it).
/// </summary>
public static class CoHostedGateway
{
    public static ISiloBuilder AddCoHostedGateway(this ISiloBuilder silo, IConfiguration configuration)
    {
        // The gateway's grain calls: InternalOnly methods refused, each call timed (GatewayCallFilter).
        silo.Services.TryAddSingleton<GatewayMetrics>();
        silo.AddOutgoingGrainCallFilter<GatewayCallFilter>();
        // /health/ready: this silo Active in the membership table, not some silo of the cluster.
        silo.Services.AddSingleton<IClusterReadiness, OwnSiloReadiness>();
        // How long a request waits for a grain before it answers 503: here the silo's response timeout.
        if (configuration.GetValue<int?>("Orleans:ResponseTimeoutSeconds") is { } seconds)
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(seconds));
        }

        return silo;
    }
}
