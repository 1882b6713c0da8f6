using Npgsql;
using Orleans.Configuration;

namespace LabScheduler.Gateway.Hosting;

/// <summary>Wires the gateway: an Orleans client of the silo cluster found through PostgreSQL.</summary>
public static class GatewaySetup
{
    public static WebApplicationBuilder AddLabSchedulerGateway(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("LabScheduler")
            ?? throw new InvalidOperationException("Set ConnectionStrings__LabScheduler (an Npgsql connection string).");
        var orleans = builder.Configuration.GetSection("Orleans");

        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<IClientConnectionRetryFilter, RetryUntilConnected>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans["ClusterId"] ?? "labsched";
                o.ServiceId = orleans["ServiceId"] ?? "labscheduler";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
        });
        return builder;
    }
}
