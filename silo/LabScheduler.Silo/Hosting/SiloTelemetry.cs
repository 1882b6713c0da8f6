using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// OpenTelemetry for the silo, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the
/// standard OTEL_* variables apply): traces of grain calls (continuing the gateway's) and Npgsql
/// commands, metrics of Orleans, Npgsql and the runtime. Without an endpoint nothing is recorded.
/// Log lines carry the trace and span id either way.
/// </summary>
public static class SiloTelemetry
{
    public static IHostApplicationBuilder AddLabSchedulerTelemetry(this IHostApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "labscheduler-silo"))
                .WithTracing(t => t.AddSource(ActivitySources.ApplicationGrainActivitySourceName).AddNpgsql())
                .WithMetrics(m => m.AddMeter("Microsoft.Orleans").AddRuntimeInstrumentation().AddNpgsqlInstrumentation())
                .UseOtlpExporter();
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        return builder;
    }
}
