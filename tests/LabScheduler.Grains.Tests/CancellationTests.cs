using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>Billing without leaks at cancellation: no free cancellation of a started session, late ones charged like no-shows.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CancellationTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);

    // Tuesday 2026-12-01 09:00-11:00 in Asia/Shanghai.
    private static readonly Interval Morning = new(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 3, 0));

    private static readonly LocalDate December = new(2026, 12, 1);

    public void Dispose() => fixture.Clock.Reset(Origin);

    private static BookCommand Book(Scenario s) => new() { TeamId = s.TeamId, Interval = Morning };

    [Fact]
    public async Task Booker_AtOrAfterTheStart_CannotCancel_TheManagerCanForFree()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s))).Value!;
        fixture.Clock.Reset(Morning.Start);

        Assert.Equal(ErrorCodes.BookingStarted, (await s.Instrument.CancelAsync(s.User, booking.Id, "changed my mind")).Problem?.Code);
        var byManager = await s.Instrument.CancelAsync(s.Manager, booking.Id, "the magnet quenched");
        Assert.Equal(BookingStatus.Cancelled, byManager.Value!.Status);
        Assert.Empty((await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(s.User, s.TeamId, December)).Value!.Entries);
    }

    [Fact]
    public async Task Booker_WithinTheDeadline_IsALateCancellation_ChargedLikeANoShow()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { CancelDeadlineHours = 24 });
        var booking = (await s.Instrument.BookAsync(s.User, Book(s))).Value!;
        fixture.Clock.Reset(Morning.Start - Duration.FromHours(2));

        var cancelled = (await s.Instrument.CancelAsync(s.User, booking.Id, "sample not ready")).Value!;
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal("Late cancellation: sample not ready", cancelled.StatusReason);
        var entry = Assert.Single((await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(s.User, s.TeamId, December)).Value!.Entries);
        Assert.Equal("late-cancellation", entry.Kind);
        Assert.Equal(120, entry.Minutes);
        Assert.Equal(300m, entry.Amount); // the partner tariff, 150 an hour
        Assert.Empty(await s.Instrument.GetCalendarAsync(Morning)); // the time is free at once
    }

    [Fact]
    public async Task Booker_BeforeTheDeadline_OrWhereNoShowsAreFree_CancelsForFree()
    {
        var early = await Scenario.CreateAsync(fixture.Grains, new BookingRules { CancelDeadlineHours = 24 });
        var free = await Scenario.CreateAsync(fixture.Grains, new BookingRules { CancelDeadlineHours = 24, ChargeNoShow = false });
        var first = (await early.Instrument.BookAsync(early.User, Book(early))).Value!;
        var second = (await free.Instrument.BookAsync(free.User, Book(free))).Value!;

        fixture.Clock.Reset(Morning.Start - Duration.FromHours(30));
        Assert.Null((await early.Instrument.CancelAsync(early.User, first.Id, null)).Value!.StatusReason);
        fixture.Clock.Reset(Morning.Start - Duration.FromHours(1));
        Assert.Equal("Late cancellation", (await free.Instrument.CancelAsync(free.User, second.Id, null)).Value!.StatusReason);

        var accounting = fixture.Grains.GetGrain<IAccountingGrain>(0);
        Assert.Empty((await accounting.TeamUsageAsync(early.User, early.TeamId, December)).Value!.Entries);
        Assert.Empty((await accounting.TeamUsageAsync(free.User, free.TeamId, December)).Value!.Entries);
    }

    [Fact]
    public async Task BookerCancellingASeries_OccurrenceWithinTheDeadline_IsLateLikeASingleBooking()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { CancelDeadlineHours = 24 });
        var series = (await s.Instrument.BookSeriesAsync(s.User, new SeriesCommand { TeamId = s.TeamId, First = Morning, Recurrence = "FREQ=WEEKLY;COUNT=2" })).Value!;
        fixture.Clock.Reset(Morning.Start - Duration.FromHours(2));

        var cancelled = (await s.Instrument.CancelSeriesAsync(s.User, series.SeriesId, null)).Value!.Items;
        Assert.Equal(["Late cancellation", null], cancelled.Select(b => b.StatusReason));
        var entry = Assert.Single((await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(s.User, s.TeamId, December)).Value!.Entries);
        Assert.Equal("late-cancellation", entry.Kind);
    }
}
