using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Grains.Common;
using LabScheduler.Silo.Seeding;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The demo's past months of use: generated in the labs' working hours, recorded by the instrument
/// grains with the ledger rows their outcomes charge, and then what the dashboard, statements and
/// heat map show. Recording history is for the system only and only for what is over.
/// </summary>
public sealed class DemoHistoryTests(DemoHistoryTests.SeededCluster cluster) : IClassFixture<DemoHistoryTests.SeededCluster>
{
    private static readonly Actor Admin = new("admin");

    private SiloHarness Harness => cluster.Harness;

    /// <summary>One cluster seeded with the demo and its history, shared by the tests (which change nothing).</summary>
    public sealed class SeededCluster : IAsyncLifetime
    {
        private SiloHarness? _harness;

        public SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            _harness = await SiloHarness.StartAsync("demo-history");
            await new DataSeeder(Harness.SiloGrains, true, NullLogger<DataSeeder>.Instance, Harness.Clock).StartAsync(CancellationToken.None);
        }

        public async Task DisposeAsync()
        {
            if (_harness is not null)
            {
                await _harness.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Generated_InLabWorkingHours_NeverBeyondCapacity_OverTwoDaysAgo_AndRepeatable()
    {
        var now = Instant.FromUtc(2026, 11, 30, 0, 0);
        var teams = DemoData.Teams.Select(t => (t.Team.Id, t.Members)).ToList();
        foreach (var (lab, _, instruments) in DemoData.Labs)
        {
            var zone = DateTimeZoneProviders.Tzdb[lab.TimeZone];
            foreach (var instrument in instruments)
            {
                var history = DemoHistory.For(instrument.Id, zone, instrument.Rules, teams, now);
                Assert.True(history.Count > 100, $"{instrument.Id}: {history.Count} sessions");
                Assert.Equal(history.Select(b => (b.Id, b.Interval, b.Status)), DemoHistory.For(instrument.Id, zone, instrument.Rules, teams, now).Select(b => (b.Id, b.Interval, b.Status)));
                foreach (var b in history)
                {
                    var start = b.Interval.Start.InZone(zone).LocalDateTime;
                    var end = b.Interval.End.InZone(zone).LocalDateTime;
                    Assert.NotEqual(IsoDayOfWeek.Sunday, start.DayOfWeek);
                    Assert.True(start.TimeOfDay >= new LocalTime(8, 0) && end.Date == start.Date && end.TimeOfDay <= new LocalTime(20, 0), $"{instrument.Id}: {start} - {end}");
                    Assert.True(b.Interval.End <= now - Duration.FromDays(1));
                    Assert.True(b.Interval.Duration.TotalMinutes >= instrument.Rules.MinMinutes);
                    Assert.Contains(b.UserId, DemoData.Teams.Single(t => t.Team.Id == b.TeamId).Members);
                }

                var overlapping = history.Where(b => b.Status != BookingStatus.Cancelled)
                    .Max(b => history.Count(o => o.Status != BookingStatus.Cancelled && o.Interval.Start <= b.Interval.Start && o.Interval.End > b.Interval.Start));
                Assert.InRange(overlapping, 1, instrument.Rules.Capacity);
                Assert.Contains(history, b => b.Status == BookingStatus.NoShow);
                Assert.Contains(history, b => b.Status == BookingStatus.Cancelled);
            }
        }
    }

    [Fact]
    public async Task SeededHistory_IsCharged_AtEachTeamsTariff_OneLedgerRowPerUsedOrMissedSession()
    {
        var db = Harness.Database;
        Assert.True(await db.ScalarAsync<long>("SELECT count(*) FROM bookings") > 700);
        // Every completed or missed session has one ledger row, a cancelled one none.
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM bookings b
            WHERE (b.status IN ('completed', 'no-show')) <> EXISTS (SELECT 1 FROM usage_ledger l WHERE l.booking_id = b.id)
            """));
        // Biophysics (RU) on the Novosibirsk Krios (RU) pays the internal rate, 9000 an hour of booked time.
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM usage_ledger
            WHERE team_id = 'nsu-biophysics' AND instrument_id = 'novosibirsk-krios'
              AND (tariff <> 'internal' OR hourly_rate <> 9000 OR amount <> round(9000 * charged_minutes / 60.0, 2) OR charged_minutes <> booked_minutes)
            """));
        // Catalysis (TJ) on the Xi'an NMR (CN, partners TJ, KZ, KG) pays the partner rate.
        Assert.Equal("partner", await db.ScalarAsync<string>(
            "SELECT DISTINCT tariff FROM usage_ledger WHERE team_id = 'tnu-catalysis' AND instrument_id = 'xian-nmr-600'"));
        Assert.Equal((long)DemoData.Labs.Sum(l => l.Instruments.Length), await db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'import-history'"));
    }

    [Fact]
    public async Task Dashboard_StatementsAndHeatMap_ShowTheHistory()
    {
        var accounting = Harness.Client.GetGrain<IAccountingGrain>(0);
        var utilization = (await accounting.UtilizationAsync(Admin, new LocalDate(2026, 6, 1), new LocalDate(2026, 12, 1), "instrument", null)).Value!;
        foreach (var instrumentId in DemoData.Labs.SelectMany(l => l.Instruments).Select(i => i.Id))
        {
            var item = utilization.Single(i => i.Key == instrumentId);
            Assert.True(item.BookedMinutes > 0 && item.UsedMinutes > 0 && item.UsedMinutes < item.BookedMinutes, $"{instrumentId}: {item}");
            Assert.True(item.NoShows > 0 && item.Cancellations > 0, $"{instrumentId}: {item}");
        }

        var october = (await accounting.StatementsAsync(Admin, new LocalDate(2026, 10, 1), "team")).Value!;
        Assert.Equal(DemoData.Teams.Select(t => t.Team.Id).Order(), october.Select(l => l.Key).Distinct().Order());
        Assert.All(october, line => Assert.True(line.Amount > 0 && line.Minutes > 0));

        // Lab-local hours: the Xi'an lab's week has nothing on Sundays, nor before 08:00 or after 20:00.
        var map = (await accounting.HeatMapAsync(Admin, new LocalDate(2026, 6, 1), new LocalDate(2026, 12, 1), "xian-nmr")).Value!;
        Assert.All(map[6], minutes => Assert.Equal(0, minutes));
        Assert.All(map[..6], day => Assert.All(day[..8].Concat(day[20..]), minutes => Assert.Equal(0, minutes)));
        Assert.True(map[0][9] > 0 && map[2][14] > 0);
    }

    [Fact]
    public async Task SeedingAgain_OrTheSameHistoryAgain_WritesNothing()
    {
        var before = await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings");
        await new DataSeeder(Harness.SiloGrains, true, NullLogger<DataSeeder>.Instance, Harness.Clock).StartAsync(CancellationToken.None);
        var instrument = DemoData.Labs[0].Instruments[0];
        var teams = DemoData.Teams.Select(t => (t.Team.Id, t.Members)).ToList();
        var past = DemoHistory.For(instrument.Id, DateTimeZoneProviders.Tzdb[DemoData.Labs[0].Lab.TimeZone], instrument.Rules, teams, Harness.Clock.GetCurrentInstant());
        var again = await Harness.SiloGrains.GetGrain<IInstrumentGrain>(instrument.Id).ImportHistoryAsync(Actor.System, past);

        Assert.Equal(0, again.Value);
        Assert.Equal(before, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings"));
    }

    [Fact]
    public async Task ImportHistory_RefusesWhatIsNotOver_AnyoneButTheSystem_AndClusterClients()
    {
        var instrumentId = DemoData.Labs[0].Instruments[0].Id;
        var now = Harness.Clock.GetCurrentInstant();
        Booking Past(Instant end, BookingStatus status = BookingStatus.NoShow) => new()
        {
            Id = Guid.NewGuid(), InstrumentId = instrumentId, LabId = "", TeamId = "tnu-catalysis", UserId = "alice", Status = status,
            Interval = new Interval(end - Duration.FromHours(2), end), CreatedAt = end - Duration.FromDays(7), UpdatedAt = end,
        };
        var grain = Harness.SiloGrains.GetGrain<IInstrumentGrain>(instrumentId);
        var before = await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings");

        var notOver = await grain.ImportHistoryAsync(Actor.System, [Past(now - Duration.FromDays(10)), Past(now - Duration.FromHours(3))]);
        Assert.Equal("validation", notOver.Problem?.Code);
        var stillHolding = await grain.ImportHistoryAsync(Actor.System, [Past(now - Duration.FromDays(10), BookingStatus.Confirmed)]);
        Assert.Equal("validation", stillHolding.Problem?.Code);
        var usedWithoutCheckIn = await grain.ImportHistoryAsync(Actor.System, [Past(now - Duration.FromDays(10), BookingStatus.Completed)]);
        Assert.Equal("validation", usedWithoutCheckIn.Problem?.Code);
        var doubleBooked = Past(now - Duration.FromDays(10));
        var overCapacity = await grain.ImportHistoryAsync(Actor.System, [doubleBooked, doubleBooked with { Id = Guid.NewGuid() }]);
        Assert.Equal("validation", overCapacity.Problem?.Code);
        var byAdmin = await grain.ImportHistoryAsync(Admin, [Past(now - Duration.FromDays(10))]);
        Assert.Equal("auth.forbidden", byAdmin.Problem?.Code);
        await Assert.ThrowsAsync<InternalOnlyCallException>(() =>
            Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).ImportHistoryAsync(Actor.System, [Past(now - Duration.FromDays(10))]));

        Assert.Equal(before, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings"));
    }
}
