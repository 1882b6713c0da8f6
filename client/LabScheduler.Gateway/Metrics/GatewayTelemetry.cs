using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace LabScheduler.Gateway.Metrics;

/// <summary>
/// OpenTelemetry for the gateway. Metrics always: ASP.NET Core's, Orleans', Npgsql's, the runtime's
/// and our own, as Prometheus text at /metrics. Traces (HTTP requests, the grain calls they make
/// and the silos' calls onward, Npgsql commands) and an OTLP export of traces and metrics only when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set: with nowhere to send them, recording spans would cost every
/// request for nothing. Log lines carry the trace and span id either way.
/// </summary>
public static class GatewayTelemetry
{
    public static WebApplicationBuilder AddLabSchedulerTelemetry(this WebApplicationBuilder builder, string serviceName = "labscheduler-gateway")
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName))
            .WithMetrics(m => m
                .AddMeter(GatewayMetrics.MeterName, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (otlp)
        {
            telemetry
                .WithTracing(t => t
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName)
                    .AddNpgsql())
                .UseOtlpExporter();
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        return builder;
    }
}
