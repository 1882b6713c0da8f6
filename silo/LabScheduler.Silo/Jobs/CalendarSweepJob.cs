using LabScheduler.Contracts.Instruments;
using LabScheduler.Persistence.Bookings;
using LabScheduler.Persistence.Waitlist;
using Microsoft.Extensions.Logging;
using NodaTime;
using Quartz;

namespace LabScheduler.Silo.Jobs;

/// <summary>
/// Every minute: asks each instrument with a started booking that still holds time to apply what
/// time has made due (no-show, completion, pending expiry, waitlist offers that lapsed). Works from the bookings table, so a
/// transition due while every silo was down happens at the next run; idempotent, because the
/// instrument grain applies a transition only to a booking still in the status it came from.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class CalendarSweepJob(BookingStore store, WaitlistStore waitlist, IGrainFactory grains, IClock clock, ILogger<CalendarSweepJob> logger) : IJob
{
    public static readonly JobKey Key = new("calendar-sweep", "labsched");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <summary>One sweep over every instrument with due work; returns how many bookings changed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var instruments = (await store.InstrumentsWithStartedBookingsAsync(now, cancellationToken))
            .Union(await waitlist.InstrumentsWithDueEntriesAsync(now, cancellationToken))
            .ToList();
        var changed = await Task.WhenAll(instruments.Select(id => grains.GetGrain<IInstrumentGrain>(id).SweepAsync()));
        if (changed.Sum() > 0)
        {
            LogSwept(logger, changed.Sum(), instruments.Count);
        }

        return changed.Sum();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Calendar sweep changed {Changed} booking(s) on {Instruments} instrument(s)")]
    private static partial void LogSwept(ILogger logger, int changed, int instruments);
}
