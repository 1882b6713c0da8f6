using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;
using Npgsql;

namespace LabScheduler.Grains.Tests;

/// <summary>The ledger row of each outcome, written once; quotas checked by the instrument that books.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountingTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);

    // Tuesday 2026-12-01 09:00-11:00 in Asia/Shanghai.
    private static readonly Interval Morning = new(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 3, 0));

    public void Dispose() => fixture.Clock.Reset(Origin);

    private static BookCommand Book(Scenario s, Interval interval) => new() { TeamId = s.TeamId, Interval = interval };

    [Fact]
    public async Task Completion_WritesOneUsageRowAtThePartnerTariff_EvenWhenSweptTwice()
    {
        // The scenario's team is from TJ, a partner of the CN lab: 150 an hour.
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        fixture.Clock.Reset(Morning.Start - Duration.FromMinutes(10));
        await s.Instrument.CheckInAsync(s.User, booking.Id);
        fixture.Clock.Reset(Morning.End + Duration.FromMinutes(5));
        await fixture.SweepAsync(s);
        await fixture.SweepAsync(s);

        var usage = await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(s.User, s.TeamId, new LocalDate(2026, 12, 1));
        var entry = Assert.Single(usage.Value!.Entries);
        Assert.Equal("usage", entry.Kind);
        Assert.Equal("partner", entry.Tariff);
        Assert.Equal(120, entry.Minutes); // checking in 10 minutes early is not charged: the session counts from the booked start
        Assert.Equal(300m, entry.Amount);
        Assert.Equal([new CurrencyTotal("CNY", 300m)], usage.Value.Totals);
    }

    [Fact]
    public async Task NoShow_IsChargedUnlessTheInstrumentSaysOtherwise()
    {
        var charged = await Scenario.CreateAsync(fixture.Grains);
        var free = await Scenario.CreateAsync(fixture.Grains, new BookingRules { ChargeNoShow = false });
        await charged.Instrument.BookAsync(charged.User, Book(charged, Morning));
        await free.Instrument.BookAsync(free.User, Book(free, Morning));
        fixture.Clock.Reset(Morning.Start + Duration.FromMinutes(30));
        await fixture.SweepAsync(charged);
        await fixture.SweepAsync(free);

        var december = new LocalDate(2026, 12, 1);
        Assert.Equal("no-show", Assert.Single((await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(charged.User, charged.TeamId, december)).Value!.Entries).Kind);
        Assert.Empty((await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(free.User, free.TeamId, december)).Value!.Entries);
        Assert.Equal(ErrorCodes.Forbidden, (await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(charged.Outsider, charged.TeamId, december)).Problem?.Code);
    }

    [Fact]
    public async Task Ledger_IsAppendOnly_InTheDatabaseItself()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        fixture.Clock.Reset(Morning.End);
        await fixture.SweepAsync(s);

        await using var update = fixture.Database.DataSource.CreateCommand("UPDATE usage_ledger SET amount = 0 WHERE instrument_id = @i");
        update.Parameters.AddWithValue("i", s.InstrumentId);
        await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Quota_RefusesWhatWouldPassIt_CancellationGivesItBack()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        Assert.True((await s.Instrument.SetTeamQuotaAsync(s.Manager, s.TeamId, 180)).IsSuccess);
        var first = (await s.Instrument.BookAsync(s.User, Book(s, Morning))).Value!;
        var next = new Interval(Morning.End, Morning.End + Duration.FromHours(2));

        Assert.Equal(ErrorCodes.QuotaExceeded, (await s.Instrument.BookAsync(s.User, Book(s, next))).Problem?.Code);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, new Interval(Morning.End, Morning.End + Duration.FromHours(1))))).IsSuccess);

        await s.Instrument.CancelAsync(s.User, first.Id, null);
        Assert.True((await s.Instrument.BookAsync(s.User, Book(s, new Interval(next.End, next.End + Duration.FromHours(2))))).IsSuccess);
    }

    [Fact]
    public async Task Quota_FiftyConcurrentBookingsByOneTeam_NeverOverdrawn()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.SetTeamQuotaAsync(s.Manager, s.TeamId, 300);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            s.Instrument.BookAsync(i % 2 == 0 ? s.User : s.Colleague, Book(s, new Interval(Morning.Start + Duration.FromHours(i), Morning.Start + Duration.FromHours(i + 1))))));

        Assert.Equal(5, attempts.Count(a => a.IsSuccess));
        Assert.All(attempts.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.QuotaExceeded, a.Problem?.Code));
        Assert.Equal(300, (await fixture.Grains.GetGrain<IAccountingGrain>(0).TeamUsageAsync(s.User, s.TeamId, new LocalDate(2026, 12, 1))).Value!.Quotas.Single().UsedMinutes);
    }

    [Fact]
    public async Task Correction_IsAReversalPlusANewEntry_NeverAnUpdate()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        await s.Instrument.BookAsync(s.User, Book(s, Morning));
        fixture.Clock.Reset(Morning.End);
        await fixture.SweepAsync(s);
        var accounting = fixture.Grains.GetGrain<IAccountingGrain>(0);
        var december = new LocalDate(2026, 12, 1);
        var original = Assert.Single((await accounting.TeamUsageAsync(s.User, s.TeamId, december)).Value!.Entries);
        Assert.Equal(300m, original.Amount); // no-show, 120 minutes at 150 an hour

        Assert.Equal(ErrorCodes.Forbidden, (await accounting.CorrectAsync(s.User, original.EntryId, 60)).Problem?.Code);
        var corrected = await accounting.CorrectAsync(s.Manager, original.EntryId, 60);
        Assert.Equal(150m, corrected.Value?.Amount);
        Assert.Equal(ErrorCodes.InvalidTransition, (await accounting.CorrectAsync(s.Manager, original.EntryId, 30)).Problem?.Code);

        var usage = (await accounting.TeamUsageAsync(s.User, s.TeamId, december)).Value!;
        Assert.Equal([300m, -300m, 150m], usage.Entries.Select(e => e.Amount));
        Assert.Equal([new CurrencyTotal("CNY", 150m)], usage.Totals);
        Assert.Equal(150m, (await accounting.StatementsAsync(Actor.System, december, "team")).Value!.Single(l => l.Key == s.TeamId).Amount);

        // The newest entry can be corrected again.
        Assert.Equal(0m, (await accounting.CorrectAsync(s.Manager, corrected.Value!.EntryId, 0)).Value?.Amount);
    }
}
