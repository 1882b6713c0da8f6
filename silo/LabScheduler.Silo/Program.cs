using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Hosting;
using LabScheduler.Persistence;
using LabScheduler.Silo.Hosting;
using LabScheduler.Silo.Jobs;
using LabScheduler.Silo.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Gateway__CoHosted=true (or --Gateway:CoHosted=true, as ./run.sh passes it): this process is a
// web application that also serves the HTTP gateway, on the silo's own grains (GatewayHosting.InSilo).
var coHosted = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args).Build()
    .GetValue<bool>("Gateway:CoHosted");
WebApplicationBuilder? web = coHosted ? WebApplication.CreateBuilder(args) : null;
IHostApplicationBuilder builder = web ?? (IHostApplicationBuilder)Host.CreateApplicationBuilder(args);
var options = builder.Configuration.GetSection("Orleans").Get<LabSchedulerSiloOptions>() ?? new LabSchedulerSiloOptions();
options.ConnectionString = DatabaseConnection.WithPasswordFile(
    builder.Configuration.GetConnectionString("LabScheduler")
        ?? throw new InvalidOperationException("Set ConnectionStrings__LabScheduler (an Npgsql connection string)."),
    builder.Configuration[DatabaseConnection.PasswordFileKey]);

// Migrations run before Orleans starts: clustering, storage and reminders need their tables.
await MigrateAsync(options.ConnectionString);

// Probes for an orchestrator (Health__Port; off unless set), started before Orleans so that a
// joining silo is live but not ready.
if (SiloHealthSettings.Read(builder.Configuration) is { } healthEndpoint)
{
    builder.Services.AddSingleton(sp => new SiloHealthEndpoint(sp, healthEndpoint, sp.GetRequiredService<ILogger<SiloHealthEndpoint>>()));
    builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloHealthEndpoint>());
}

if (web is null)
{
    builder.AddLabSchedulerTelemetry();
}

builder.UseOrleans(silo =>
{
    silo.AddLabScheduler(options);
    if (web is not null)
    {
        silo.AddCoHostedGateway(builder.Configuration);
    }
});
builder.Services.AddLabSchedulerJobs(
    options.ConnectionString,
    builder.Configuration["Notifications:WebhookUrl"] is { Length: > 0 } webhook ? new Uri(webhook) : null,
    builder.Configuration.GetSection("Notifications:Outbox").Get<LabScheduler.Silo.Notifications.OutboxOptions>());
builder.Services.AddHostedService(sp => new DataSeeder(
    sp.GetRequiredService<IGrainFactory>(),
    builder.Configuration.GetValue<bool>("Seed:Demo"),
    sp.GetRequiredService<ILogger<DataSeeder>>(),
    builder.Configuration.GetValue("Seed:History", true) ? sp.GetRequiredService<NodaTime.IClock>() : null));

// A stop is bounded even when PostgreSQL is down: services get Shutdown:TimeoutSeconds (20) to
// stop, and the process is gone 5 s after that whatever still waits (ShutdownDeadline).
var shutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Shutdown:TimeoutSeconds", 20));
if (shutdownTimeout <= TimeSpan.Zero || shutdownTimeout > TimeSpan.FromMinutes(10))
{
    throw new InvalidOperationException($"Shutdown__TimeoutSeconds must be from 1 to 600, not {shutdownTimeout.TotalSeconds}.");
}

builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
builder.Services.AddHostedService(sp => new ShutdownDeadline(
    sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<ShutdownDeadline>>(), shutdownTimeout + TimeSpan.FromSeconds(5)));

IHost host;
if (web is not null)
{
    // The gateway's telemetry (Prometheus at /metrics, OTLP when set) covers the silo's meters and traces too.
    web.AddLabSchedulerGateway(GatewayHosting.InSilo);
    var app = web.Build();
    app.UseLabSchedulerGateway();
    host = app;
}
else
{
    host = ((HostApplicationBuilder)builder).Build();
}

host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LabScheduler.Silo")
    .LogInformation("Silo {ClusterId}/{ServiceId} on ports {SiloPort}/{GatewayPort}{WithGateway}; IANA tz database {TzdbVersion}; database {Database}",
        options.ClusterId, options.ServiceId, options.SiloPort, options.GatewayPort, coHosted ? ", with the HTTP gateway co-hosted" : "",
        LabTime.ZoneDatabaseVersion, DatabaseConnection.Redact(options.ConnectionString));
await host.RunAsync();

static async Task MigrateAsync(string connectionString)
{
    var services = new ServiceCollection();
    services.AddLogging(l => l.AddConsole());
    services.AddLabSchedulerServices(connectionString);
    await using var provider = services.BuildServiceProvider();
    await provider.GetRequiredService<MigrationRunner>().ApplyAsync();
}

/// <summary>Internal: only the gateway's Program is the one tests host (WebApplicationFactory).</summary>
internal sealed partial class Program;
