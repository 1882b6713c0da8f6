using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Waitlist;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// Waitlists: freed time goes to the first waiter whose interval fits, as an offer that holds
/// the time until it lapses (or as a booking at once where the instrument says so).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WaitlistTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);
    private static readonly Interval Morning = new(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 3, 0));

    public void Dispose() => fixture.Clock.Reset(Origin);

    private static WaitlistCommand Wait(Scenario s, Interval interval) => new() { TeamId = s.TeamId, Interval = interval };

    private static BookCommand Book(Scenario s, Interval interval) => new() { TeamId = s.TeamId, Interval = interval };

    private Task<long> Notices(string kind, string user) =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE kind = @k AND user_id = @u", ("k", kind), ("u", user));

    [Fact]
    public async Task Join_FreeTime_IsRefused_TakenTime_Waits()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.Equal("waitlist.time-free", (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Problem?.Code);

        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        var entry = await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning));
        Assert.Equal(WaitlistStatus.Waiting, entry.Value?.Status);
        Assert.Equal(ErrorCodes.AlreadyExists, (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Problem?.Code);
        Assert.Equal(ErrorCodes.NotTeamMember, (await s.Instrument.JoinWaitlistAsync(s.Outsider, Wait(s, Morning))).Problem?.Code);
    }

    [Fact]
    public async Task Cancel_OffersToFirstWaiter_HoldsTheTime_AcceptBooksIt()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var entry = (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Value!;

        await s.Instrument.CancelAsync(s.User, booking.Id, "plans changed");

        var offered = Assert.Single(await s.Instrument.GetWaitlistAsync());
        Assert.Equal(WaitlistStatus.Offered, offered.Status);
        Assert.Equal(Origin + Duration.FromMinutes(60), offered.OfferExpiresAt);
        Assert.Equal(1, await Notices("waitlist.offer", s.ColleagueId));

        // Held: the canceller cannot take it back while the offer runs.
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);
        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.AcceptOfferAsync(s.User, entry.Id)).Problem?.Code);

        var accepted = await s.Instrument.AcceptOfferAsync(s.Colleague, entry.Id);
        Assert.Equal(BookingStatus.Confirmed, accepted.Value?.Status);
        Assert.Equal(s.ColleagueId, accepted.Value?.UserId);
        Assert.Empty(await s.Instrument.GetWaitlistAsync());
        Assert.Equal("booked", await fixture.Database.ScalarAsync<string>("SELECT status FROM waitlist WHERE id = @id", ("id", entry.Id)));
    }

    [Fact]
    public async Task LapsedOffer_PassesToTheNextWaiter_AndSurvivesReactivation()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { OfferMinutes = 30 });
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var first = (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Value!;
        var second = (await s.Instrument.JoinWaitlistAsync(s.Manager, new WaitlistCommand { TeamId = s.TeamId, Interval = Morning })).Problem;
        Assert.Equal(ErrorCodes.NotTeamMember, second?.Code); // the manager books for no team
        fixture.Clock.Advance(Duration.FromMinutes(1));
        var next = (await s.Instrument.JoinWaitlistAsync(s.User, Wait(s, Morning))).Value!;

        await s.Instrument.CancelAsync(s.User, booking.Id, null);
        await fixture.Cluster.DeactivateAsync(s.Instrument);
        Assert.Equal(WaitlistStatus.Offered, (await s.Instrument.GetWaitlistAsync()).Single(e => e.Id == first.Id).Status);
        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Problem?.Code);

        fixture.Clock.Advance(Duration.FromMinutes(30));
        Assert.Equal(1, await fixture.SweepAsync(s));

        var line = await s.Instrument.GetWaitlistAsync();
        Assert.Equal(next.Id, Assert.Single(line).Id);
        Assert.Equal(WaitlistStatus.Offered, line[0].Status);
        Assert.Equal("expired", await fixture.Database.ScalarAsync<string>("SELECT status FROM waitlist WHERE id = @id", ("id", first.Id)));
    }

    [Fact]
    public async Task AutoBook_FreedTimeBecomesTheWaitersBookingAtOnce()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { WaitlistAutoBook = true });
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var entry = (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Value!;

        await s.Instrument.CancelAsync(s.User, booking.Id, null);

        var booked = Assert.Single(await s.Instrument.GetCalendarAsync(Morning));
        Assert.Equal(s.ColleagueId, booked.UserId);
        Assert.Equal(booked.Id, await fixture.Database.ScalarAsync<Guid>("SELECT booking_id FROM waitlist WHERE id = @id", ("id", entry.Id)));
        Assert.Equal(1, await Notices("waitlist.booked", s.ColleagueId));
    }

    [Fact]
    public async Task Withdraw_OfferedEntry_PassesTheTimeOn()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var entry = (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Value!;
        await s.Instrument.CancelAsync(s.User, booking.Id, null);

        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.WithdrawAsync(s.Outsider, entry.Id)).Problem?.Code);
        Assert.Equal(WaitlistStatus.Withdrawn, (await s.Instrument.WithdrawAsync(s.Colleague, entry.Id)).Value?.Status);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess);
    }

    [Fact]
    public async Task Accept_WhenTheEntryMovedBehindTheGrainsBack_BooksNothing()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var entry = (await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning))).Value!;
        await s.Instrument.CancelAsync(s.User, booking.Id, null);

        // Another writer moved the entry on (its version changed): booking and entry update go together or not at all.
        await using (var bump = fixture.Database.DataSource.CreateCommand("UPDATE waitlist SET version = version + 1, status = 'expired' WHERE id = @id"))
        {
            bump.Parameters.AddWithValue("id", entry.Id);
            await bump.ExecuteNonQueryAsync();
        }

        Assert.Equal(ErrorCodes.BookingConflict, (await s.Instrument.AcceptOfferAsync(s.Colleague, entry.Id)).Problem?.Code);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM bookings WHERE instrument_id = @i AND user_id = @u", ("i", s.InstrumentId), ("u", s.ColleagueId)));
        Assert.Empty(await s.Instrument.GetWaitlistAsync());
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Morning))).IsSuccess); // the hold is gone with the entry
    }

    [Fact]
    public async Task RetriesWithTheSameIds_FindTheFirstBlackoutAndEntry()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        var entryId = Guid.NewGuid();
        var first = await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning) with { EntryId = entryId });
        var retry = await s.Instrument.JoinWaitlistAsync(s.Colleague, Wait(s, Morning) with { EntryId = entryId });
        Assert.Equal(entryId, first.Value?.Id);
        Assert.Equal(entryId, retry.Value?.Id);

        var blackoutId = Guid.NewGuid();
        var later = new Interval(Morning.End + Duration.FromDays(1), Morning.End + Duration.FromDays(2));
        Assert.True((await s.Instrument.AddBlackoutAsync(s.Manager, later, "service", false, blackoutId)).IsSuccess);
        Assert.Equal(blackoutId, (await s.Instrument.AddBlackoutAsync(s.Manager, later, "service", false, blackoutId)).Value?.Id);
        Assert.Single((await s.Instrument.GetAsync())!.Blackouts);
    }
}
