using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>Sums reconcile: for a month, each team's ledger total is its statement, and all statements add up to the settlement.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StatementTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);
    private static readonly LocalDate December = new(2026, 12, 1);

    public void Dispose() => fixture.Clock.Reset(Origin);

    [Fact]
    public async Task LedgerStatementsAndSettlement_Reconcile()
    {
        var first = await Scenario.CreateAsync(fixture.Grains);
        var second = await Scenario.CreateAsync(fixture.Grains, zone: "Asia/Kolkata");
        for (var day = 1; day <= 3; day++)
        {
            var slot = new Interval(Instant.FromUtc(2026, 12, day, 4, 0), Instant.FromUtc(2026, 12, day, 5, 30));
            await first.Instrument.BookAsync(first.User, new BookCommand { TeamId = first.TeamId, Interval = slot });
            await second.Instrument.BookAsync(second.User, new BookCommand { TeamId = second.TeamId, Interval = slot });
        }

        // All become no-shows (charged at booked minutes).
        fixture.Clock.Reset(Instant.FromUtc(2026, 12, 4, 0, 0));
        await fixture.SweepAsync(first);
        await fixture.SweepAsync(second);

        var accounting = fixture.Grains.GetGrain<IAccountingGrain>(0);
        var byTeam = (await accounting.StatementsAsync(Actor.System, December, "team")).Value!;
        foreach (var s in new[] { first, second })
        {
            var usage = (await accounting.TeamUsageAsync(s.User, s.TeamId, December)).Value!;
            var statement = byTeam.Single(l => l.Key == s.TeamId);
            Assert.Equal(usage.Totals.Single().Amount, statement.Amount);
            Assert.Equal(3, statement.Entries);
            Assert.Equal(675m, statement.Amount); // 3 x 90 minutes at the partner rate, 150 an hour (a TJ team in a CN lab)
        }

        var settlement = (await accounting.SettlementAsync(Actor.System, December)).Value!;
        var ledgerTotal = await fixture.Database.ScalarAsync<decimal>("SELECT coalesce(sum(amount), 0) FROM usage_ledger WHERE month = '2026-12-01'");
        Assert.Equal(ledgerTotal, byTeam.Sum(l => l.Amount));
        Assert.Equal(ledgerTotal, settlement.Sum(l => l.Amount));
        Assert.Equal(ledgerTotal, (await accounting.StatementsAsync(Actor.System, December, "institution")).Value!.Sum(l => l.Amount));
        Assert.Contains(settlement, l => l.TeamState == "TJ" && l.LabState == "CN");

        Assert.Equal(ErrorCodes.Forbidden, (await accounting.SettlementAsync(first.User, December)).Problem?.Code);
        var managerView = (await accounting.StatementsAsync(first.Manager, December, "team")).Value!;
        Assert.Equal([first.TeamId], managerView.Select(l => l.Key));
    }
}
