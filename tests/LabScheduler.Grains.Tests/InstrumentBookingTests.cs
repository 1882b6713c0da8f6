using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// The instrument grain as the single writer of its bookings: the rules, the lifecycle,
/// conflicts from memory, and rows in PostgreSQL that match every acknowledgement.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InstrumentBookingTests(ClusterFixture fixture)
{
    // Tuesday 2026-12-01 in Asia/Shanghai (+08:00): 09:00-11:00 local.
    private static readonly Interval Morning = At("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");

    private static Interval At(string start, string end) =>
        new(NodaTime.Text.InstantPattern.ExtendedIso.Parse(start).Value, NodaTime.Text.InstantPattern.ExtendedIso.Parse(end).Value);

    private static BookCommand Book(Scenario s, Interval interval, string? user = null) =>
        new() { TeamId = s.TeamId, UserId = user ?? s.UserId, Interval = interval, Purpose = "HSQC of sample 12" };

    private Task<string> StoredStatus(Guid id) => fixture.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", id));

    [Fact]
    public async Task Book_FreeSlot_IsConfirmedAndCommittedBeforeTheAnswer()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booked = await s.Instrument.BookAsync(Book(s, Morning));

        Assert.True(booked.IsSuccess, booked.Problem?.Detail);
        var booking = booked.Value!;
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(s.LabId, booking.LabId);
        Assert.Equal(Morning, booking.Interval);
        Assert.Equal("confirmed", await StoredStatus(booking.Id));
    }

    [Fact]
    public async Task Book_OverlappingSlot_IsConflictAndNothingStored()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(Book(s, Morning));
        var second = await s.Instrument.BookAsync(Book(s, At("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z")));

        Assert.Equal(ErrorCodes.BookingConflict, second.Problem?.Code);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", s.InstrumentId)));
    }

    [Fact]
    public async Task Book_TouchingSlots_BothConfirmed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
        Assert.True((await s.Instrument.BookAsync(Book(s, At("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z")))).IsSuccess);
    }

    [Fact]
    public async Task Book_UserNotInTeam_IsNotTeamMember()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booked = await s.Instrument.BookAsync(Book(s, Morning, s.OutsiderId));
        Assert.Equal(ErrorCodes.NotTeamMember, booked.Problem?.Code);
    }

    [Fact]
    public async Task Book_WithoutTrainingWhereRequired_IsNotAuthorizedUntilSignedOff()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresAuthorization = true });
        Assert.Equal(ErrorCodes.NotAuthorizedOnInstrument, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);

        await s.Instrument.SetAuthorizationAsync(s.UserId, authorized: true);
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Book_OutsideOpeningHours_IsRefusedOnceHoursAreSet()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        await s.Instrument.SetOpeningHoursAsync(new OpeningHours([.. weekdays.Select(d => new WeeklyOpening(d, new LocalTime(10, 0), new LocalTime(18, 0)))], []));

        Assert.Equal(ErrorCodes.OutsideOpeningHours, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);
        Assert.True((await s.Instrument.BookAsync(Book(s, At("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z")))).IsSuccess);
    }

    [Fact]
    public async Task Book_InstrumentInMaintenance_IsUnavailable()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.SetStatusAsync(InstrumentStatus.Maintenance);
        Assert.Equal(ErrorCodes.InstrumentUnavailable, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task Book_RetryWithSameBookingId_ReturnsTheSameBookingOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var command = Book(s, Morning) with { BookingId = Guid.NewGuid() };
        var first = await s.Instrument.BookAsync(command);
        var retry = await s.Instrument.BookAsync(command);

        Assert.Equal(first.Value!.Id, retry.Value?.Id);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", s.InstrumentId)));
    }

    [Fact]
    public async Task Cancel_ConfirmedBooking_FreesTheTimeAtOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(Book(s, Morning))).Value!;
        var cancelled = await s.Instrument.CancelAsync(booking.Id, s.UserId, "sample not ready");

        Assert.Equal(BookingStatus.Cancelled, cancelled.Value?.Status);
        Assert.Equal("cancelled", await StoredStatus(booking.Id));
        Assert.Equal(2, await fixture.Database.ScalarAsync<int>("SELECT version FROM bookings WHERE id = @id", ("id", booking.Id)));
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Approval_PendingThenApproved_IsConfirmed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(Book(s, Morning))).Value!;
        Assert.Equal(BookingStatus.Pending, pending.Status);

        // A pending booking already holds its time.
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);

        var approved = await s.Instrument.ApproveAsync(pending.Id, "manager");
        Assert.Equal(BookingStatus.Confirmed, approved.Value?.Status);
        Assert.Equal("confirmed", await StoredStatus(pending.Id));
    }

    [Fact]
    public async Task Approval_Rejected_FreesTimeAndCannotBeApprovedLater()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(Book(s, Morning))).Value!;
        Assert.Equal(BookingStatus.Rejected, (await s.Instrument.RejectAsync(pending.Id, "manager", "no slot for this project")).Value?.Status);

        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.ApproveAsync(pending.Id, "manager")).Problem?.Code);
        Assert.Equal("rejected", await StoredStatus(pending.Id));
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Approve_ConfirmedBooking_IsInvalidTransition()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(Book(s, Morning))).Value!;
        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.ApproveAsync(booking.Id, "manager")).Problem?.Code);
    }

    [Fact]
    public async Task Cancel_UnknownBooking_IsNotFound()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.Equal(ErrorCodes.NotFound, (await s.Instrument.CancelAsync(Guid.NewGuid(), s.UserId, null)).Problem?.Code);
    }

    [Fact]
    public async Task Blackout_OverBookings_IsConflictListingThemUnlessCancelling()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(Book(s, Morning))).Value!;
        var day = At("2026-12-01T00:00:00Z", "2026-12-01T12:00:00Z");

        var refused = await s.Instrument.AddBlackoutAsync(day, "helium refill", cancelConflicting: false, "manager");
        Assert.Equal(ErrorCodes.BlackoutConflict, refused.Problem?.Code);
        Assert.Equal([booking.Id.ToString()], refused.Problem?.Items);
        Assert.Equal("confirmed", await StoredStatus(booking.Id));

        var added = await s.Instrument.AddBlackoutAsync(day, "helium refill", cancelConflicting: true, "manager");
        Assert.True(added.IsSuccess);
        Assert.Equal("cancelled", await StoredStatus(booking.Id));
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task Reactivation_LoadsCalendarFromPostgres_ConflictsStillFound()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(Book(s, Morning));
        await fixture.Cluster.DeactivateAsync(s.Instrument);

        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);
        Assert.Single(await s.Instrument.GetCalendarAsync(At("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
    }

    [Fact]
    public async Task Book_InThePastByTheInjectedClock_IsInPast()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var yesterday = At("2026-11-29T01:00:00Z", "2026-11-29T02:00:00Z");
        Assert.Equal(ErrorCodes.InPast, (await s.Instrument.BookAsync(Book(s, yesterday))).Problem?.Code);
    }

    [Fact]
    public async Task Book_CapacityTwo_TwoOverlapThirdRefused()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { Capacity = 2 });
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
        Assert.True((await s.Instrument.BookAsync(Book(s, Morning))).IsSuccess);
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(Book(s, Morning))).Problem?.Code);
    }
}
