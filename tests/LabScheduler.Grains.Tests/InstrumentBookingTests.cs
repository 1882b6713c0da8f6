using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
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

    private static BookCommand Book(Scenario s, Interval interval) =>
        new() { TeamId = s.TeamId, Interval = interval, Purpose = "HSQC of sample 12" };

    private Task<string> StoredStatus(Guid id) => fixture.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", id));

    [Fact]
    public async Task Book_FreeSlot_IsConfirmedAndCommittedBeforeTheAnswer()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booked = await s.Instrument.BookAsync(s.User, Book(s, Morning));

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
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        var second = await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z")));

        Assert.Equal(ErrorCodes.BookingConflict, second.Problem?.Code);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", s.InstrumentId)));
    }

    [Fact]
    public async Task Book_TouchingSlots_BothConfirmed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z")))).IsSuccess);
    }

    [Fact]
    public async Task Book_UserNotInTeam_IsNotTeamMember()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booked = await s.Instrument.BookAsync(s.Outsider, Book(s, Morning));
        Assert.Equal(ErrorCodes.NotTeamMember, booked.Problem?.Code);
    }

    [Fact]
    public async Task Book_WithoutTrainingWhereRequired_IsNotAuthorizedUntilSignedOff()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresAuthorization = true });
        Assert.Equal(ErrorCodes.NotAuthorizedOnInstrument, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);

        await s.Instrument.SetAuthorizationAsync(s.Manager, s.UserId, authorized: true);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Book_OutsideOpeningHours_IsRefusedOnceHoursAreSet()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        await s.Instrument.SetOpeningHoursAsync(s.Manager, new OpeningHours([.. weekdays.Select(d => new WeeklyOpening(d, new LocalTime(10, 0), new LocalTime(18, 0)))], []));

        Assert.Equal(ErrorCodes.OutsideOpeningHours, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, At("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z")))).IsSuccess);
    }

    [Fact]
    public async Task Book_InstrumentInMaintenance_IsUnavailable()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.UpdateAsync(s.Manager, new InstrumentPatch { Status = InstrumentStatus.Maintenance });
        Assert.Equal(ErrorCodes.InstrumentUnavailable, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task Book_RetryWithSameBookingId_ReturnsTheSameBookingOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var command = Book(s, Morning) with { BookingId = Guid.NewGuid() };
        var first = await s.Instrument.BookAsync(s.User, command);
        var retry = await s.Instrument.BookAsync(s.User, command);

        Assert.Equal(first.Value!.Id, retry.Value?.Id);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", s.InstrumentId)));
    }

    [Fact]
    public async Task Cancel_ConfirmedBooking_FreesTheTimeAtOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var cancelled = await s.Instrument.CancelAsync(s.User, booking.Id, "sample not ready");

        Assert.Equal(BookingStatus.Cancelled, cancelled.Value?.Status);
        Assert.Equal("cancelled", await StoredStatus(booking.Id));
        Assert.Equal(2, await fixture.Database.ScalarAsync<int>("SELECT version FROM bookings WHERE id = @id", ("id", booking.Id)));
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Approval_PendingThenApproved_IsConfirmed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        Assert.Equal(BookingStatus.Pending, pending.Status);

        // A pending booking already holds its time.
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);

        var approved = await s.Instrument.ApproveAsync(s.Manager, pending.Id);
        Assert.Equal(BookingStatus.Confirmed, approved.Value?.Status);
        Assert.Equal("confirmed", await StoredStatus(pending.Id));
    }

    [Fact]
    public async Task Approval_Rejected_FreesTimeAndCannotBeApprovedLater()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        Assert.Equal(BookingStatus.Rejected, (await s.Instrument.RejectAsync(s.Manager, pending.Id, "no slot for this project")).Value?.Status);

        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.ApproveAsync(s.Manager, pending.Id)).Problem?.Code);
        Assert.Equal("rejected", await StoredStatus(pending.Id));
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Approve_ConfirmedBooking_IsInvalidTransition()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        Assert.Equal(ErrorCodes.InvalidTransition, (await s.Instrument.ApproveAsync(s.Manager, booking.Id)).Problem?.Code);
    }

    [Fact]
    public async Task Cancel_UnknownBooking_IsNotFound()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.Equal(ErrorCodes.NotFound, (await s.Instrument.CancelAsync(s.User, Guid.NewGuid(), null)).Problem?.Code);
    }

    [Fact]
    public async Task Blackout_OverBookings_IsConflictListingThemUnlessCancelling()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var day = At("2026-12-01T00:00:00Z", "2026-12-01T12:00:00Z");

        var refused = await s.Instrument.AddBlackoutAsync(s.Manager, day, "helium refill", cancelConflicting: false);
        Assert.Equal(ErrorCodes.BlackoutConflict, refused.Problem?.Code);
        Assert.Equal([booking.Id.ToString()], refused.Problem?.Items);
        Assert.Equal("confirmed", await StoredStatus(booking.Id));

        var added = await s.Instrument.AddBlackoutAsync(s.Manager, day, "helium refill", cancelConflicting: true);
        Assert.True(added.IsSuccess);
        Assert.Equal("cancelled", await StoredStatus(booking.Id));
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task Reactivation_LoadsCalendarFromPostgres_ConflictsStillFound()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        await fixture.Cluster.DeactivateAsync(s.Instrument);

        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
        Assert.Single(await s.Instrument.GetCalendarAsync(At("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")));
    }

    [Fact]
    public async Task Book_InThePastByTheInjectedClock_IsInPast()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var yesterday = At("2026-11-29T01:00:00Z", "2026-11-29T02:00:00Z");
        Assert.Equal(ErrorCodes.InPast, (await s.Instrument.BookAsync(s.User, Book(s, yesterday))).Problem?.Code);
    }

    [Fact]
    public async Task Book_CapacityTwo_TwoOverlapThirdRefused()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { Capacity = 2 });
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task ManagerOperations_ByResearcherOrManagerOfAnotherLab_AreForbidden()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var other = await Scenario.CreateAsync(fixture.Grains);
        var pending = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;

        foreach (var actor in new[] { s.User, s.Outsider, other.Manager })
        {
            Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.ApproveAsync(actor, pending.Id)).Problem?.Code);
            Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.SetOpeningHoursAsync(actor, OpeningHours.AlwaysOpen)).Problem?.Code);
            Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.UpdateAsync(actor, new InstrumentPatch { Name = "mine" })).Problem?.Code);
        }

        Assert.Equal("pending", await StoredStatus(pending.Id));
        Assert.Equal("NMR 600", (await s.Instrument.GetAsync())?.Definition.Name);
    }

    [Fact]
    public async Task Cancel_ByAnotherResearcher_IsForbidden_ByManagerAllowed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;

        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.CancelAsync(s.Outsider, booking.Id, null)).Problem?.Code);
        Assert.Equal(BookingStatus.Cancelled, (await s.Instrument.CancelAsync(s.Manager, booking.Id, "instrument fault")).Value?.Status);
    }

    [Fact]
    public async Task Free_AroundABookingWithBuffer_LeavesTheBufferOut()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { BufferMinutes = 30 });
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        var day = At("2026-12-01T00:00:00Z", "2026-12-01T06:00:00Z");

        var free = await s.Instrument.GetFreeAsync(day);

        Assert.Equal([At("2026-12-01T00:00:00Z", "2026-12-01T00:30:00Z"), At("2026-12-01T03:30:00Z", "2026-12-01T06:00:00Z")], free);
    }
}
