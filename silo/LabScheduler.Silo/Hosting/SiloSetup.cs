using Orleans.Dashboard;
using System.Net;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace LabScheduler.Silo.Hosting;

/// <summary>The one place that wires a LabScheduler silo: used by the host and by the tests.</summary>
public static class SiloSetup
{
    /// <summary>The ADO.NET invariant of Npgsql (the providers default to SQL Server).</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Clustering, grain storage and reminders on PostgreSQL, plus the services grains need.
    /// <paramref name="clustering"/> false leaves membership to the caller (the test cluster).
    /// </summary>
    /// <remarks>
    /// Every connection of the silo (clustering, grain storage, reminders, its own queries) has
    /// <c>idle_in_transaction_session_timeout</c> set (<see cref="DatabaseConnection.WithSiloSessionSettings"/>).
    /// With clustering the booking writes pass the <see cref="WriterFence"/> on this silo's membership row.
    /// </remarks>
    public static ISiloBuilder AddLabScheduler(this ISiloBuilder silo, LabSchedulerSiloOptions options, bool clustering = true)
    {
        var connectionString = DatabaseConnection.WithSiloSessionSettings(options.ConnectionString);
        if (clustering)
        {
            // The silo's own row, as Orleans' ADO.NET clustering writes it (address text, silo port, generation).
            silo.Services.AddSingleton(services => new WriterFence(() =>
            {
                var local = services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>();
                var address = local.SiloAddress;
                return new SiloIdentity(local.ClusterId, address.Endpoint.Address.ToString(), address.Endpoint.Port, address.Generation);
            }));

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIp), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            if (options.SiloName is { Length: > 0 } name)
            {
                silo.Configure<SiloOptions>(o => o.SiloName = name);
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                if (options.ProbeTimeoutSeconds is { } probe)
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(probe);
                }

                if (options.MissedProbesLimit is { } missed)
                {
                    o.NumMissedProbesLimit = missed;
                }
            });

            if (options.Tls.Enabled)
            {
                // Both ports, and this silo's own connections to others: a peer without a certificate of the cluster's CA is refused.
                var certificate = options.Tls.LoadCertificate();
                var peers = options.Tls.PeerValidator();
                silo.UseTls(certificate, o =>
                {
                    o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                    o.RemoteCertificateValidation = (remote, chain, errors) => peers(remote, chain, errors);
                });
            }
        }

        silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddIncomingGrainCallFilter<InternalOnlyCallFilter>();
        // A caller's trace goes on through grain calls (spans only while someone listens).
        silo.AddActivityPropagation();
        if (options.KubernetesHosting)
        {
            silo.UseKubernetesHosting();
        }

        if (options.Dashboard)
        {
            // No live log stream: the dashboard is for administrators, but logs stay in the log pipeline.
            silo.AddDashboard(o => o.HideTrace = true);
        }
        silo.AddIncomingGrainCallFilter<DatabaseOutageCallFilter>();

        // A grain whose activation fails on the database fails its callers with the Npgsql exception, past the
        // call filters: without this Orleans has no codec for it and the caller gets a CodecNotFoundException.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        silo.Services.AddLabSchedulerServices(connectionString);
        return silo;
    }

    /// <summary>The data source, the bookings store and the clock (unless one is registered already).</summary>
    public static IServiceCollection AddLabSchedulerServices(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => LabSchedulerDataSource.Create(connectionString));
        services.AddSingleton<BookingStore>();
        services.AddSingleton<LabScheduler.Persistence.Instruments.InstrumentStore>();
        services.AddSingleton<LabScheduler.Persistence.Instruments.CatalogQueries>();
        services.AddSingleton<LabScheduler.Persistence.Schedule.ScheduleQueries>();
        services.AddSingleton<LabScheduler.Persistence.Directory.DirectoryStore>();
        services.AddSingleton<LabScheduler.Persistence.Waitlist.WaitlistStore>();
        services.AddSingleton<LabScheduler.Persistence.Accounting.LedgerStore>();
        services.AddSingleton<LabScheduler.Persistence.Accounting.UtilizationQuery>();
        services.AddSingleton<LabScheduler.Persistence.Accounting.StatementQueries>();
        services.AddSingleton<LabScheduler.Persistence.Audit.AuditLog>();
        services.TryAddSingleton<LabScheduler.Persistence.Notifications.NotificationOutbox>();
        services.AddSingleton<LabScheduler.Persistence.Accounting.MonthEnd>();
        services.AddSingleton<LabScheduler.Persistence.Accounting.Rollups>();
        services.AddSingleton<LabScheduler.Grains.Common.Auditor>();
        services.AddSingleton<MigrationRunner>();
        if (!services.Any(d => d.ServiceType == typeof(IClock)))
        {
            services.AddSingleton<IClock>(SystemClock.Instance);
        }

        return services;
    }
}
