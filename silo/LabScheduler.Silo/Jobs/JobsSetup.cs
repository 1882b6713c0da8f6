using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Notifications;
using LabScheduler.Silo.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Quartz with its PostgreSQL job store in clustered mode: every silo runs a scheduler, the
/// store makes one of them fire each trigger. Schedules are cron triggers registered in this one
/// place (two nodes registering the same simple trigger were seen to double its rate).
/// </summary>
public static class JobsSetup
{
    public static IServiceCollection AddLabSchedulerJobs(this IServiceCollection services, string connectionString, Uri? webhook = null, OutboxOptions? outbox = null)
    {
        var delivery = (outbox ?? new OutboxOptions()).Validate();
        services.AddSingleton(delivery);
        services.TryAddSingleton<NotificationOutbox>();
        if (webhook is null)
        {
            services.AddSingleton<INotificationSender, LogNotificationSender>();
        }
        else
        {
            // One long-lived client for the process: pooled connections, a bounded wait per call.
            services.AddSingleton<INotificationSender>(_ => new WebhookNotificationSender(new HttpClient { Timeout = delivery.DeliveryTimeout }, webhook));
        }

        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseClustering();
                store.ProvisionSchema();
            });
            q.ScheduleJob<CalendarSweepJob>(
                trigger => trigger.WithIdentity("calendar-sweep-every-minute", "labsched").WithCronSchedule("0 * * * * ?", cron => cron.InTimeZone(TimeZoneInfo.Utc)),
                job => job.WithIdentity(CalendarSweepJob.Key).StoreDurably());
            q.ScheduleJob<OutboxDeliveryJob>(
                trigger => trigger.WithIdentity("outbox-delivery-every-10s", "labsched").WithCronSchedule("0/10 * * * * ?", cron => cron.InTimeZone(TimeZoneInfo.Utc)),
                job => job.WithIdentity(OutboxDeliveryJob.Key).StoreDurably());
            q.ScheduleJob<MonthEndJob>(
                trigger => trigger.WithIdentity("month-end-daily", "labsched").WithCronSchedule("0 15 0 * * ?", cron => cron.InTimeZone(TimeZoneInfo.Utc)),
                job => job.WithIdentity(MonthEndJob.Key).StoreDurably());
            q.ScheduleJob<RollupJob>(
                trigger => trigger.WithIdentity("utilization-rollup-nightly", "labsched").WithCronSchedule("0 30 1 * * ?", cron => cron.InTimeZone(TimeZoneInfo.Utc)),
                job => job.WithIdentity(RollupJob.Key).StoreDurably());
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
