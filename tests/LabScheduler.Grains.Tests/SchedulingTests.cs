using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// Series, check-in and check-out, and the transitions time makes due (no-show, completion,
/// expiry), with the cluster's fake clock moved by the test alone and put back afterwards.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SchedulingTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);

    private static Interval At(string start, string end) =>
        new(InstantPattern.ExtendedIso.Parse(start).Value, InstantPattern.ExtendedIso.Parse(end).Value);

    // Tuesday 2026-12-01 09:00-11:00 in Asia/Shanghai.
    private static readonly Interval Morning = At("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");

    public void Dispose() => fixture.Clock.Reset(Origin);

    private Task<string> StoredStatus(Guid id) => fixture.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", id));

    private static BookCommand Book(Scenario s, Interval interval) => new() { TeamId = s.TeamId, Interval = interval };

    [Fact]
    public async Task Series_AllFree_BooksEveryOccurrenceWithOneSeriesId()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var series = await s.Instrument.BookSeriesAsync(s.User, new SeriesCommand { TeamId = s.TeamId, First = Morning, Recurrence = "FREQ=WEEKLY;BYDAY=TU;COUNT=4" });

        Assert.True(series.IsSuccess, series.Problem?.Detail);
        Assert.Equal(4, series.Value!.Items.Count);
        Assert.All(series.Value.Items, b => Assert.Equal(series.Value.SeriesId, b.SeriesId));
        Assert.Equal(4, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE series_id = @s", ("s", series.Value.SeriesId)));
    }

    [Fact]
    public async Task Series_OneOccurrenceTaken_BooksNothingAndListsEveryConflict()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-08T02:00:00Z", "2026-12-08T02:30:00Z")));
        await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-22T01:00:00Z", "2026-12-22T01:30:00Z")));

        var series = await s.Instrument.BookSeriesAsync(s.User, new SeriesCommand { TeamId = s.TeamId, First = Morning, Recurrence = "FREQ=WEEKLY;BYDAY=TU;COUNT=4" });

        Assert.Equal(ErrorCodes.BookingConflict, series.Problem?.Code);
        Assert.Equal(2, series.Problem!.Items.Count);
        Assert.StartsWith("2026-12-08T01:00:00Z", series.Problem.Items[0], StringComparison.Ordinal);
        Assert.Equal(2, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", s.InstrumentId)));
        // Memory is as before: the free occurrences are still bookable one by one.
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task CancelSeries_CancelsOnlyOccurrencesNotYetStarted()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var series = (await s.Instrument.BookSeriesAsync(s.User, new SeriesCommand { TeamId = s.TeamId, First = Morning, Recurrence = "FREQ=DAILY;COUNT=3" })).Value!;

        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(5));
        var cancelled = await s.Instrument.CancelSeriesAsync(s.User, series.SeriesId, "project ended");

        Assert.Equal(
            [BookingStatus.Confirmed, BookingStatus.Cancelled, BookingStatus.Cancelled],
            cancelled.Value!.Items.Select(b => b.Status));
        Assert.Equal("confirmed", await StoredStatus(series.Items[0].Id));
        Assert.Equal("cancelled", await StoredStatus(series.Items[2].Id));
        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.CancelSeriesAsync(s.Outsider, series.SeriesId, null)).Problem?.Code);
    }

    [Fact]
    public async Task CheckIn_OpensFifteenMinutesBefore_OnlyForTheBooker_ThenCheckOutCompletesAndFrees()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;

        fixture.Clock.Reset(Morning.Start - Duration.FromMinutes(20));
        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.CheckInAsync(s.User, booking.Id)).Problem?.Code);

        fixture.Clock.Reset(Morning.Start - Duration.FromMinutes(15));
        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.CheckInAsync(s.Manager, booking.Id)).Problem?.Code);
        var checkedIn = await s.Instrument.CheckInAsync(s.User, booking.Id);
        Assert.Equal(BookingStatus.CheckedIn, checkedIn.Value?.Status);
        Assert.Equal(Morning.Start - Duration.FromMinutes(15), checkedIn.Value?.CheckedInAt);

        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(50));
        var done = await s.Instrument.CheckOutAsync(s.User, booking.Id);
        Assert.Equal(BookingStatus.Completed, done.Value?.Status);
        Assert.Equal(Morning.Start + Duration.FromMinutes(50), done.Value?.EndedAt);
        Assert.Equal("completed", await StoredStatus(booking.Id));

        // The rest of the slot is free at once.
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z")))).IsSuccess);
    }

    [Fact]
    public async Task CheckOut_WithoutCheckIn_IsInvalidTransition()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(5));
        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.CheckOutAsync(s.User, booking.Id)).Problem?.Code);
    }

    [Fact]
    public async Task Sweep_AppliesNoShowCompletionAndExpiryAtTheirMoment_AndOnlyOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { NoShowMinutes = 20 });
        var noShow = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var attended = (await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-01T04:00:00Z", "2026-12-01T05:00:00Z")))).Value!;

        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(19));
        Assert.Equal(0, await fixture.SweepAsync(s));
        Assert.Equal("confirmed", await StoredStatus(noShow.Id));

        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(20));
        Assert.Equal(1, await fixture.SweepAsync(s));
        Assert.Equal("no-show", await StoredStatus(noShow.Id));
        Assert.Equal(0, await fixture.SweepAsync(s));

        fixture.Clock.Reset(attended.Interval.Start);
        await s.Instrument.CheckInAsync(s.User, attended.Id);
        fixture.Clock.Reset(attended.Interval.End);
        Assert.Equal(1, await fixture.SweepAsync(s));
        Assert.Equal("completed", await StoredStatus(attended.Id));
        Assert.Equal(attended.Interval.End, (await s.Instrument.GetBookingAsync(attended.Id))?.EndedAt);
        Assert.Equal(2, await fixture.Database.ScalarAsync<int>("SELECT version FROM bookings WHERE id = @id", ("id", noShow.Id)));
    }

    [Fact]
    public async Task Sweep_PendingAtItsStart_Expires()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        fixture.Clock.Reset(Morning.Start);
        Assert.Equal(1, await fixture.SweepAsync(s));
        Assert.Equal("expired", await StoredStatus(pending.Id));
        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.ApproveAsync(s.Manager, pending.Id)).Problem?.Code);
    }

    [Fact]
    public async Task Sweep_AfterDaysOfDowntime_StillCompletesWhatWasDue()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        await fixture.Cluster.DeactivateAsync(s.Instrument);

        // Three days later the activation loads only recent bookings; the sweep reads what is due from the table.
        fixture.Clock.Reset(Morning.End + Duration.FromDays(3));
        Assert.Equal(1, await fixture.SweepAsync(s));
        Assert.Equal("no-show", await StoredStatus(booking.Id));
    }

    [Fact]
    public async Task Blackout_OverASessionInProgress_IsRefusedEvenWhenCancelling_AndChangesNothing()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        fixture.Clock.Reset(Morning.Start);
        await s.Instrument.CheckInAsync(s.User, booking.Id);

        var refused = await s.Instrument.AddBlackoutAsync(s.Manager, Morning, "power cut", cancelConflicting: true);

        Assert.Equal(ErrorCodes.BlackoutConflict, refused.Problem?.Code);
        Assert.Empty((await s.Instrument.GetAsync())!.Blackouts);
        Assert.Equal("checked-in", await StoredStatus(booking.Id));
    }

    [Fact]
    public async Task Series_WithNoOccurrence_IsValidation()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var series = await s.Instrument.BookSeriesAsync(s.User, new SeriesCommand { TeamId = s.TeamId, First = Morning, Recurrence = "FREQ=DAILY;UNTIL=20261130" });
        Assert.Equal(ErrorCodes.Validation, series.Problem?.Code);
    }
}
