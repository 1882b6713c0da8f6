using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// Member-state shares of an instrument's month: a TJ team in a CN lab, open 24/7, so December has 44,640 open
/// minutes and a 1% share entitles to 446 of them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharesTests(ClusterFixture fixture)
{
    private static Interval Hours(int day, int from, int hours) =>
        new(Instant.FromUtc(2026, 12, day, from, 0), Instant.FromUtc(2026, 12, day, from + hours, 0));

    private static BookCommand Book(Scenario s, Interval interval) => new() { TeamId = s.TeamId, Interval = interval };

    [Fact]
    public async Task HardShare_RefusesPastTheStatesShare_AndReportsEntitledBookedUsed()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules
        {
            Shares = new Dictionary<string, int> { ["CN"] = 50, ["TJ"] = 1 }, SharesHard = true, MaxMinutes = 600,
        });

        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, Hours(2, 1, 7)))).IsSuccess);
        var refused = await s.Instrument.BookAsync(s.User, Book(s, Hours(3, 1, 1)));
        Assert.Equal("share.exceeded", refused.Problem?.Code);
        // Another month has its own share.
        Assert.True((await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = new Interval(Instant.FromUtc(2027, 1, 5, 1, 0), Instant.FromUtc(2027, 1, 5, 2, 0)) })).IsSuccess);

        var shares = (await s.Instrument.GetSharesAsync(s.Manager, new LocalDate(2026, 12, 1))).Value!;
        Assert.Equal([("CN", 22320L, 0L), ("TJ", 446L, 420L)], shares.Select(x => (x.Key, x.EntitledMinutes, x.BookedMinutes)));
        Assert.Equal(ErrorCodes.Forbidden, (await s.Instrument.GetSharesAsync(s.User, new LocalDate(2026, 12, 1))).Problem?.Code);
    }

    [Fact]
    public async Task SoftShare_AllowsWithAWarning_OthersCountUnderStar()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { Shares = new Dictionary<string, int> { ["CN"] = 90, ["*"] = 1 }, MaxMinutes = 600 });

        var first = await s.Instrument.BookAsync(s.User, Book(s, Hours(2, 1, 7)));
        Assert.Empty(first.Value!.Warnings);
        var over = await s.Instrument.BookAsync(s.User, Book(s, Hours(3, 1, 1)));
        Assert.True(over.IsSuccess);
        Assert.StartsWith("share.exceeded", Assert.Single(over.Value!.Warnings), StringComparison.Ordinal);
        Assert.Equal(480, (await s.Instrument.GetSharesAsync(s.Manager, new LocalDate(2026, 12, 1))).Value!.Single(x => x.Key == "*").BookedMinutes);
    }

    [Fact]
    public async Task HardShare_WaitlistOfferRedeemedPastTheShare_IsRefusedLikeAnyBooking()
    {
        // TJ may hold 446 minutes of December.
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules
        {
            Shares = new Dictionary<string, int> { ["CN"] = 50, ["TJ"] = 1 }, SharesHard = true, MaxMinutes = 600,
        });
        var held = (await s.Instrument.BookAsync(s.User, Book(s, Hours(4, 1, 2)))).Value!;            // 120
        Assert.True((await s.Instrument.BookAsync(s.Colleague, Book(s, Hours(2, 1, 5)))).IsSuccess);  // 420
        var entry = (await s.Instrument.JoinWaitlistAsync(s.Colleague, new LabScheduler.Contracts.Waitlist.WaitlistCommand { TeamId = s.TeamId, Interval = Hours(4, 1, 2) })).Value!;

        await s.Instrument.CancelAsync(s.User, held.Id, null);                                         // 300, the time is offered
        Assert.True((await s.Instrument.BookAsync(s.Colleague, Book(s, Hours(5, 1, 2)))).IsSuccess);  // 420 again

        var accepted = await s.Instrument.AcceptOfferAsync(s.Colleague, entry.Id);                     // would be 540
        Assert.Equal("share.exceeded", accepted.Problem?.Code);
        var shares = (await s.Instrument.GetSharesAsync(s.Manager, new LocalDate(2026, 12, 1))).Value!;
        Assert.Equal(420L, shares.Single(x => x.Key == "TJ").BookedMinutes);
    }
}
