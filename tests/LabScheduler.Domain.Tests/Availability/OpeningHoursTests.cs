using LabScheduler.Domain.Availability;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Availability;

/// <summary>
/// Opening hours are lab-local rules mapped to instants day by day. The grid below checks
/// that 09:00 stays 09:00 local across DST changes, half- and quarter-hour offsets and a
/// zone whose offset changed in history; and the written policy for periods that begin or
/// end in a gap (moved to the gap's end) or an overlap (start earlier, end later).
/// </summary>
public sealed class OpeningHoursTests
{
    private static OpeningHours Daily(string from, string to) => new(
        [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => Period(d, from, to))],
        []);

    private static WeeklyOpening Period(IsoDayOfWeek day, string from, string to) =>
        to == "24:00" ? new WeeklyOpening(day, Zones.Time(from), LocalTime.Midnight, ToEndOfDay: true) : new WeeklyOpening(day, Zones.Time(from), Zones.Time(to));

    private static IReadOnlyList<Interval> OpenOn(OpeningHours hours, DateTimeZone zone, string date)
    {
        var day = Date(date);
        var range = new Interval(zone.AtStartOfDay(day).ToInstant(), zone.AtStartOfDay(day.PlusDays(1)).ToInstant());
        return hours.OpenIntervals(range, zone);
    }

    [Theory]
    // Berlin: the days before, of and after both 2026 changes; 09:00-17:00 local every day.
    [InlineData("Europe/Berlin", "2026-03-28", "2026-03-28T08:00:00Z", "2026-03-28T16:00:00Z")]
    [InlineData("Europe/Berlin", "2026-03-29", "2026-03-29T07:00:00Z", "2026-03-29T15:00:00Z")]
    [InlineData("Europe/Berlin", "2026-10-25", "2026-10-25T08:00:00Z", "2026-10-25T16:00:00Z")]
    // Cairo springs forward at midnight on 2026-04-24.
    [InlineData("Africa/Cairo", "2026-04-23", "2026-04-23T07:00:00Z", "2026-04-23T15:00:00Z")]
    [InlineData("Africa/Cairo", "2026-04-24", "2026-04-24T06:00:00Z", "2026-04-24T14:00:00Z")]
    [InlineData("Asia/Kolkata", "2026-12-01", "2026-12-01T03:30:00Z", "2026-12-01T11:30:00Z")]
    [InlineData("Asia/Kathmandu", "2026-12-01", "2026-12-01T03:15:00Z", "2026-12-01T11:15:00Z")]
    [InlineData("Asia/Tehran", "2022-06-01", "2022-06-01T04:30:00Z", "2022-06-01T12:30:00Z")]
    [InlineData("Asia/Tehran", "2026-06-01", "2026-06-01T05:30:00Z", "2026-06-01T13:30:00Z")]
    // Almaty before and after its move from UTC+6 to UTC+5 (2024-03-01).
    [InlineData("Asia/Almaty", "2024-02-29", "2024-02-29T03:00:00Z", "2024-02-29T11:00:00Z")]
    [InlineData("Asia/Almaty", "2024-03-01", "2024-03-01T04:00:00Z", "2024-03-01T12:00:00Z")]
    public void OpenIntervals_NineToFive_StaysAtLocalNineAcrossOffsetChanges(string zone, string date, string start, string end)
    {
        var open = OpenOn(Daily("09:00", "17:00"), DateTimeZoneProviders.Tzdb[zone], date);
        Assert.Equal([Between(start, end)], open);
    }

    [Fact]
    public void OpenIntervals_OvernightAcrossSpringForward_IsAnHourShorter()
    {
        // 22:00 Saturday to 06:00 Sunday in Berlin, the night clocks skip 02:00-03:00.
        var hours = new OpeningHours([Period(IsoDayOfWeek.Saturday, "22:00", "06:00")], []);
        var open = hours.OpenIntervals(Between("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"), Berlin);
        var night = Assert.Single(open);
        Assert.Equal(Between("2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z"), night);
        Assert.Equal(Duration.FromHours(7), night.Duration);
    }

    [Fact]
    public void OpenIntervals_PeriodStartingInGap_StartsWhenTheGapEnds()
    {
        var hours = new OpeningHours([Period(IsoDayOfWeek.Sunday, "02:30", "04:00")], []);
        Assert.Equal([Between("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z")], OpenOn(hours, Berlin, "2026-03-29"));
    }

    [Fact]
    public void OpenIntervals_PeriodAcrossFallBack_CoversBothPassesOfTheRepeatedHour()
    {
        // 01:00-02:30 local on 2026-10-25: 02:00-03:00 happens twice; the end takes the later 02:30.
        var hours = new OpeningHours([Period(IsoDayOfWeek.Sunday, "01:00", "02:30")], []);
        var open = Assert.Single(OpenOn(hours, Berlin, "2026-10-25"));
        Assert.Equal(Between("2026-10-24T23:00:00Z", "2026-10-25T01:30:00Z"), open);
        Assert.Equal(Duration.FromMinutes(150), open.Duration);
    }

    [Fact]
    public void OpenIntervals_MidnightGapInCairo_DayStartsAtOne()
    {
        var open = Assert.Single(OpenOn(Daily("00:00", "24:00"), Cairo, "2026-04-24"));
        Assert.Equal(Between("2026-04-23T22:00:00Z", "2026-04-24T21:00:00Z"), open);
        Assert.Equal(Duration.FromHours(23), open.Duration);
    }

    [Fact]
    public void OpenIntervals_RepeatedHourInAlmaty_DayLastsTwentyFiveHours()
    {
        var open = Assert.Single(OpenOn(Daily("00:00", "24:00"), Almaty, "2024-02-29"));
        Assert.Equal(Duration.FromHours(25), open.Duration);
    }

    [Fact]
    public void OpenIntervals_AlwaysOpen_IsOneUnbrokenIntervalOverManyDays()
    {
        var range = Between("2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z");
        Assert.Equal([range], OpeningHours.AlwaysOpen.OpenIntervals(range, Berlin));
    }

    [Fact]
    public void OpenIntervals_ClosedDate_RemovesThatLocalDayIncludingOvernightTail()
    {
        var hours = new OpeningHours(
            [Period(IsoDayOfWeek.Wednesday, "20:00", "04:00"), Period(IsoDayOfWeek.Thursday, "09:00", "12:00")],
            [Date("2026-12-31")]);
        var open = hours.OpenIntervals(Between("2026-12-29T00:00:00Z", "2027-01-02T00:00:00Z"), Shanghai);
        // Wednesday 2026-12-30 20:00 to midnight (+08:00) survives; Thursday 31st is closed.
        Assert.Equal([Between("2026-12-30T12:00:00Z", "2026-12-30T16:00:00Z")], open);
    }

    [Fact]
    public void OpenIntervals_RangeInsideAPeriod_IsClippedToTheRange()
    {
        var range = Between("2026-12-01T04:00:00Z", "2026-12-01T05:00:00Z");
        Assert.Equal([range], Daily("09:00", "17:00").OpenIntervals(range, Kolkata));
    }

    [Fact]
    public void Covers_IntervalSpanningTwoPeriods_IsFalseWhenThereIsAGap()
    {
        var hours = new OpeningHours([Period(IsoDayOfWeek.Tuesday, "08:00", "12:00"), Period(IsoDayOfWeek.Tuesday, "13:00", "18:00")], []);
        Assert.True(hours.Covers(Between("2026-12-01T00:00:00Z", "2026-12-01T04:00:00Z"), Shanghai));
        Assert.False(hours.Covers(Between("2026-12-01T03:00:00Z", "2026-12-01T06:00:00Z"), Shanghai));
    }

    [Fact]
    public void Covers_ConsecutiveDaysOpenUntilMidnightAndFromMidnight_JoinIntoOne()
    {
        var hours = new OpeningHours([Period(IsoDayOfWeek.Monday, "18:00", "24:00"), Period(IsoDayOfWeek.Tuesday, "00:00", "06:00")], []);
        Assert.True(hours.Covers(Between("2026-11-30T12:00:00Z", "2026-11-30T20:00:00Z"), Shanghai));
    }
}
