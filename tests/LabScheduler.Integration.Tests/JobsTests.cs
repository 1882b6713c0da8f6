using System.Collections.Concurrent;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Silo.Jobs;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Quartz;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The calendar jobs on Quartz's clustered PostgreSQL store: transitions due while no silo ran
/// happen at the next run, and two silos running the job change each booking exactly once.
/// </summary>
public sealed class JobsTests
{
    [Fact]
    public async Task NoShow_DueWhileTheSiloWasDown_HappensAfterRestart()
    {
        await using var harness = await SiloHarness.StartAsync("noshow-restart", withJobs: true);
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var booking = (await harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Value!;

        await harness.StopSiloAsync(harness.Silos[0]);
        harness.Clock.Reset(Setup.Morning.Start + Duration.FromHours(1));
        var silo = await harness.StartSiloAsync();
        await harness.ConnectClientAsync();

        await RunSweepAsync(silo.Services);

        Assert.Equal("no-show", await harness.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", booking.Id)));
    }

    [Fact]
    public async Task TwoSilosRunningTheJob_EachTransitionHappensExactlyOnce()
    {
        await using var harness = await SiloHarness.StartAsync("jobs-two-silos", withJobs: true);
        await harness.StartSiloAsync();
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var first = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Value!;
        var second = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(Setup.Morning.End, Setup.Morning.End + Duration.FromHours(1))))).Value!;
        harness.Clock.Reset(Setup.Morning.End + Duration.FromHours(2));

        // Both silos' schedulers fire the job at once, twice each.
        var executions = new ConcurrentBag<string>();
        var done = new TaskCompletionSource();
        var schedulers = new List<IScheduler>();
        foreach (var silo in harness.Silos)
        {
            var scheduler = await silo.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            scheduler.ListenerManager.AddJobListener(new CountingListener(executions, 4, done));
            schedulers.Add(scheduler);
        }

        await Task.WhenAll(schedulers.SelectMany(s => new[] { s.TriggerJob(CalendarSweepJob.Key).AsTask(), s.TriggerJob(CalendarSweepJob.Key).AsTask() }));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, executions.Count);
        foreach (var booking in new[] { first, second })
        {
            Assert.Equal("no-show", await harness.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", booking.Id)));
            Assert.Equal(2, await harness.Database.ScalarAsync<int>("SELECT version FROM bookings WHERE id = @id", ("id", booking.Id)));
        }
    }

    [Fact]
    public async Task MonthEnd_FreezesEachMonthOnce_LaterCorrectionsGoToTheNextStatementAsAdjustments()
    {
        await using var harness = await SiloHarness.StartAsync("month-end", withJobs: true);
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        await harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning));
        harness.Clock.Reset(Setup.Morning.End);
        await harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync(); // no-show: 120 minutes charged

        harness.Clock.Reset(Instant.FromUtc(2027, 1, 3, 1, 0));
        var job = ActivatorUtilities.CreateInstance<MonthEndJob>(harness.Silos[0].Services);
        Assert.Equal(1, await job.RunAsync(CancellationToken.None));
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));

        var accounting = harness.Client.GetGrain<LabScheduler.Contracts.Accounting.IAccountingGrain>(0);
        var system = LabScheduler.Contracts.Common.Actor.System;
        var december = new LocalDate(2026, 12, 1);
        var entry = (await accounting.TeamUsageAsync(system, teamId, december)).Value!.Entries.Single();
        await accounting.CorrectAsync(system, entry.EntryId, 60);

        var frozen = (await accounting.FrozenStatementsAsync(system, december)).Value!.Single();
        var live = (await accounting.StatementsAsync(system, december, "team")).Value!.Single();
        var january = (await accounting.StatementsAsync(system, december.PlusMonths(1), "team")).Value!.Single();
        Assert.Equal(entry.Amount, frozen.Amount);          // the frozen copy keeps the original amount
        Assert.Equal(entry.Amount, live.Amount);            // and so does December's statement: it is closed
        Assert.Equal(-entry.Amount / 2, january.Amount);    // the correction (60 of 120 minutes) is January's adjustment
        Assert.Equal(-entry.Amount / 2, january.Adjustments);
        Assert.Equal(entry.Amount / 2, (await accounting.TeamUsageAsync(system, teamId, december)).Value!.Totals.Single().Amount);
    }

    [Fact]
    public async Task MonthEnd_EntryOfANewTeamAfterTheFreeze_NeverChangesTheFrozenMonth()
    {
        await using var harness = await SiloHarness.StartAsync("month-end-late", withJobs: true);
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var late = new Interval(Setup.Morning.Start + Duration.FromDays(29), Setup.Morning.End + Duration.FromDays(29)); // 30 December
        await instrument.BookAsync(Setup.User, Setup.Book(teamId, late));

        // December is frozen while its last booking has not been swept yet (the sweep is late).
        harness.Clock.Reset(Instant.FromUtc(2027, 1, 3, 1, 0));
        var job = ActivatorUtilities.CreateInstance<MonthEndJob>(harness.Silos[0].Services);
        await job.RunAsync(CancellationToken.None);
        await harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync(); // now the no-show's entry arrives, for December
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));

        var accounting = harness.Client.GetGrain<LabScheduler.Contracts.Accounting.IAccountingGrain>(0);
        var system = LabScheduler.Contracts.Common.Actor.System;
        var december = new LocalDate(2026, 12, 1);
        Assert.Empty((await accounting.FrozenStatementsAsync(system, december)).Value!);
        Assert.Empty((await accounting.StatementsAsync(system, december, "team")).Value!);
        var january = (await accounting.StatementsAsync(system, december.PlusMonths(1), "team")).Value!.Single();
        Assert.Equal(teamId, january.Key);
        Assert.Equal(january.Amount, january.Adjustments);
        Assert.True(january.Amount > 0);
    }

    [Fact]
    public async Task Rollup_ReportFromRollupsEqualsReportFromBookings_AndRerunChangesNothing()
    {
        await using var harness = await SiloHarness.StartAsync("rollup", withJobs: true);
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        for (var day = 0; day < 5; day++)
        {
            // 09:00-11:00 and 23:00-01:00 (across local midnight) in Asia/Shanghai, five days running.
            await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(Setup.Morning.Start + Duration.FromDays(day), Setup.Morning.End + Duration.FromDays(day))));
            var late = Setup.Morning.Start + Duration.FromDays(day) + Duration.FromHours(14);
            await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(late, late + Duration.FromHours(2))));
        }

        harness.Clock.Reset(Instant.FromUtc(2026, 12, 10, 0, 0));
        await harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync(); // every booking becomes a no-show
        var accounting = harness.Client.GetGrain<LabScheduler.Contracts.Accounting.IAccountingGrain>(0);
        var system = LabScheduler.Contracts.Common.Actor.System;
        var before = (await accounting.UtilizationAsync(system, new LocalDate(2026, 11, 30), new LocalDate(2026, 12, 12), "instrument", null)).Value!;

        var job = ActivatorUtilities.CreateInstance<RollupJob>(harness.Silos[0].Services);
        Assert.True(await job.RunAsync(CancellationToken.None) > 0);
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));
        var after = (await accounting.UtilizationAsync(system, new LocalDate(2026, 11, 30), new LocalDate(2026, 12, 12), "instrument", null)).Value!;

        Assert.Equal(before, after);
        Assert.Equal(1200, after.Single(i => i.Key == instrumentId).BookedMinutes);
        Assert.Equal(10, after.Single(i => i.Key == instrumentId).NoShows);
    }

    [Fact]
    public async Task Rollup_BookingChangedOnARolledUpDay_IsRecomputedAtTheNextRun()
    {
        await using var harness = await SiloHarness.StartAsync("rollup-dirty", withJobs: true);
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        for (var day = 0; day < 5; day++)
        {
            var start = Setup.Morning.Start + Duration.FromDays(day) + Duration.FromHours(14); // 23:00-01:00 local
            await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(start, start + Duration.FromHours(2))));
        }

        // The days are rolled up while the bookings still look confirmed (the sweep has not run).
        harness.Clock.Reset(Instant.FromUtc(2026, 12, 10, 0, 0));
        var job = ActivatorUtilities.CreateInstance<RollupJob>(harness.Silos[0].Services);
        Assert.True(await job.RunAsync(CancellationToken.None) > 0);
        var accounting = harness.Client.GetGrain<LabScheduler.Contracts.Accounting.IAccountingGrain>(0);
        var system = LabScheduler.Contracts.Common.Actor.System;
        var range = (From: new LocalDate(2026, 11, 30), To: new LocalDate(2026, 12, 12));
        Assert.Equal(0, (await accounting.UtilizationAsync(system, range.From, range.To, "instrument", null)).Value!.Single(i => i.Key == instrumentId).NoShows);

        await harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId).SweepAsync(); // every booking becomes a no-show, on days already rolled up
        Assert.Equal(5, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM utilization_dirty WHERE instrument_id = @id", ("id", instrumentId)));
        await job.RunAsync(CancellationToken.None);

        var after = (await accounting.UtilizationAsync(system, range.From, range.To, "instrument", null)).Value!.Single(i => i.Key == instrumentId);
        Assert.Equal(5, after.NoShows);
        Assert.Equal(600, after.BookedMinutes);
        Assert.Equal(0, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM utilization_dirty WHERE instrument_id = @id", ("id", instrumentId)));
    }

    /// <summary>Runs the sweep job's logic once, as the scheduler would.</summary>
    private static async Task RunSweepAsync(IServiceProvider services)
    {
        var job = ActivatorUtilities.CreateInstance<CalendarSweepJob>(services);
        Assert.Equal(1, await job.RunAsync(CancellationToken.None));
    }

    private sealed class CountingListener(ConcurrentBag<string> executions, int expected, TaskCompletionSource done) : IJobListener
    {
        public string Name { get; } = $"counting-{Guid.NewGuid():N}";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            executions.Add(context.FireInstanceId);
            if (executions.Count >= expected)
            {
                done.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
