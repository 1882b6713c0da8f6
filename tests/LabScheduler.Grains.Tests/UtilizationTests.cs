using LabScheduler.Contracts.Accounting;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>The utilization report: open time from opening hours in the lab's local dates, booked and used minutes, no-shows, cancellations.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UtilizationTests(ClusterFixture fixture) : IDisposable
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 11, 30, 0, 0);

    public void Dispose() => fixture.Clock.Reset(Origin);

    private static Interval Local(int day, int fromHour, int toHour) =>
        new(Instant.FromUtc(2026, 12, day, fromHour - 8, 0), Instant.FromUtc(2026, 12, day, toHour - 8, 0)); // Asia/Shanghai is +08:00

    [Fact]
    public async Task Utilization_CountsOpenBookedUsedNoShowsAndCancellations()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        await s.Instrument.SetOpeningHoursAsync(s.Manager, new OpeningHours([.. weekdays.Select(d => new WeeklyOpening(d, new LocalTime(9, 0), new LocalTime(17, 0)))], []));
        var attended = (await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Local(1, 9, 11) })).Value!;
        await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Local(1, 13, 14) });
        var dropped = (await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Local(2, 9, 10) })).Value!;
        await s.Instrument.CancelAsync(s.User, dropped.Id, null);

        fixture.Clock.Reset(attended.Interval.Start);
        await s.Instrument.CheckInAsync(s.User, attended.Id);
        fixture.Clock.Reset(attended.Interval.Start + Duration.FromMinutes(90));
        await s.Instrument.CheckOutAsync(s.User, attended.Id);
        fixture.Clock.Reset(Local(1, 15, 16).Start);
        await fixture.SweepAsync(s);

        var report = await fixture.Grains.GetGrain<IAccountingGrain>(0)
            .UtilizationAsync(s.Manager, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 3), "instrument", s.LabId);

        var item = Assert.Single(report.Value!);
        Assert.Equal(new UtilizationItem(s.InstrumentId, 960, 180, 90, 0.1875, 1, 1) { Bookings = 3 }, item);
        Assert.Equal(0.3333, item.NoShowRate);

        var byTeam = await fixture.Grains.GetGrain<IAccountingGrain>(0)
            .UtilizationAsync(s.Manager, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 3), "team", s.LabId);
        Assert.Equal(s.TeamId, Assert.Single(byTeam.Value!).Key);

        Assert.Equal(ErrorCodes.Forbidden, (await fixture.Grains.GetGrain<IAccountingGrain>(0)
            .UtilizationAsync(s.User, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 3), "lab", s.LabId)).Problem?.Code);
    }
}
