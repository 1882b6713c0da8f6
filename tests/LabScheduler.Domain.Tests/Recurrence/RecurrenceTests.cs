using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Recurrence;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Recurrence;

/// <summary>
/// RRULE expansion in the lab's local time: occurrences keep the first one's local start and
/// length across DST changes and offsets; a local time in a gap moves forward by the gap
/// (the named lenient policy), one in an overlap takes the earlier instant.
/// </summary>
public sealed class RecurrenceTests
{
    private static RecurrenceRule Rule(string text) => RecurrenceRule.Parse(text).Value;

    private static List<string> Starts(Interval first, string rule, DateTimeZone zone) =>
        [.. SeriesExpansion.Expand(first, Rule(rule), zone).Select(i => i.Start.InZone(zone).ToString("uuuu-MM-dd HH:mm o<+HH:mm>", null))];

    [Fact]
    public void Weekly_AcrossSpringForwardInBerlin_StaysAtNineLocal()
    {
        // Tuesdays 09:00-11:00 from 2026-03-17; Berlin moves to +02:00 on 2026-03-29.
        var first = Between("2026-03-17T08:00:00Z", "2026-03-17T10:00:00Z");
        var occurrences = SeriesExpansion.Expand(first, Rule("FREQ=WEEKLY;BYDAY=TU;COUNT=4"), Berlin);

        Assert.Equal(
            [Between("2026-03-17T08:00:00Z", "2026-03-17T10:00:00Z"), Between("2026-03-24T08:00:00Z", "2026-03-24T10:00:00Z"),
             Between("2026-03-31T07:00:00Z", "2026-03-31T09:00:00Z"), Between("2026-04-07T07:00:00Z", "2026-04-07T09:00:00Z")],
            occurrences);
    }

    [Fact]
    public void Weekly_TwoDaysWithInterval_OnHalfHourZone()
    {
        var first = Between("2026-12-01T03:30:00Z", "2026-12-01T04:30:00Z"); // Tuesday 09:00 in Kolkata
        Assert.Equal(
            ["2026-12-01 09:00 +05:30", "2026-12-03 09:00 +05:30", "2026-12-15 09:00 +05:30", "2026-12-17 09:00 +05:30", "2026-12-29 09:00 +05:30"],
            Starts(first, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=5", Kolkata));
    }

    [Fact]
    public void Daily_ThroughGap_MovesForwardByTheGap()
    {
        // 02:30 daily in Berlin around 2026-03-29, when 02:00-03:00 does not exist.
        var first = Between("2026-03-28T01:30:00Z", "2026-03-28T02:00:00Z");
        Assert.Equal(
            ["2026-03-28 02:30 +01:00", "2026-03-29 03:30 +02:00", "2026-03-30 02:30 +02:00"],
            Starts(first, "FREQ=DAILY;COUNT=3", Berlin));
        Assert.All(SeriesExpansion.Expand(first, Rule("FREQ=DAILY;COUNT=3"), Berlin), i => Assert.Equal(Duration.FromMinutes(30), i.Duration));
    }

    [Fact]
    public void Daily_UntilDate_IsInclusive()
    {
        var first = Between("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z");
        Assert.Equal(3, SeriesExpansion.Expand(first, Rule("FREQ=DAILY;UNTIL=20261203"), Shanghai).Count);
        Assert.Equal(2, SeriesExpansion.Expand(first, Rule("FREQ=DAILY;UNTIL=20261202T010000Z"), Shanghai).Count);
    }

    [Fact]
    public void Monthly_SecondTuesday_AndLastFriday()
    {
        var first = Between("2026-12-08T01:00:00Z", "2026-12-08T02:00:00Z"); // second Tuesday of December 2026
        Assert.Equal(
            ["2026-12-08 09:00 +08:00", "2027-01-12 09:00 +08:00", "2027-02-09 09:00 +08:00"],
            Starts(first, "FREQ=MONTHLY;BYDAY=2TU;COUNT=3", Shanghai));
        var friday = Between("2026-12-25T01:00:00Z", "2026-12-25T02:00:00Z");
        Assert.Equal(
            ["2026-12-25 09:00 +08:00", "2027-01-29 09:00 +08:00"],
            Starts(friday, "FREQ=MONTHLY;BYDAY=-1FR;COUNT=2", Shanghai));
    }

    [Fact]
    public void Monthly_OnThe31st_SkipsShortMonths()
    {
        var first = Between("2027-01-31T01:00:00Z", "2027-01-31T02:00:00Z");
        Assert.Equal(
            ["2027-01-31 09:00 +08:00", "2027-03-31 09:00 +08:00", "2027-05-31 09:00 +08:00"],
            Starts(first, "FREQ=MONTHLY;COUNT=3", Shanghai));
    }

    [Fact]
    public void Monthly_FridayThe13th_ByDayLimitsByMonthDay()
    {
        var first = Between("2026-11-13T01:00:00Z", "2026-11-13T02:00:00Z"); // Friday 13 November 2026, 09:00 in Shanghai
        Assert.Equal(
            ["2026-11-13 09:00 +08:00", "2027-08-13 09:00 +08:00", "2028-10-13 09:00 +08:00"],
            Starts(first, "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3", Shanghai));
    }

    [Fact]
    public void Monthly_LastDayOfMonth_NegativeMonthDay()
    {
        var first = Between("2027-01-31T01:00:00Z", "2027-01-31T02:00:00Z");
        Assert.Equal(
            ["2027-01-31 09:00 +08:00", "2027-02-28 09:00 +08:00", "2027-03-31 09:00 +08:00"],
            Starts(first, "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", Shanghai));
    }

    [Fact]
    public void Weekly_IntervalTwo_WeekStartDecidesTheWeeks()
    {
        // RFC 5545 3.8.5.3 example: DTSTART 1997-08-05 (a Tuesday), BYDAY=TU,SU, every other week.
        var first = Between("1997-08-05T01:00:00Z", "1997-08-05T02:00:00Z");
        Assert.Equal(
            ["1997-08-05 09:00 +08:00", "1997-08-10 09:00 +08:00", "1997-08-19 09:00 +08:00", "1997-08-24 09:00 +08:00"],
            Starts(first, "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", Shanghai));
        Assert.Equal(
            ["1997-08-05 09:00 +08:00", "1997-08-17 09:00 +08:00", "1997-08-19 09:00 +08:00", "1997-08-31 09:00 +08:00"],
            Starts(first, "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", Shanghai));
    }

    [Fact]
    public void Monthly_LastWeekday_BySetPos()
    {
        var first = Between("2026-12-31T01:00:00Z", "2026-12-31T02:00:00Z"); // Thursday 31 December 2026
        Assert.Equal(
            ["2026-12-31 09:00 +08:00", "2027-01-29 09:00 +08:00", "2027-02-26 09:00 +08:00"],
            Starts(first, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", Shanghai));
    }

    [Fact]
    public void Expand_FirstNotMatchingRule_IsStillTheFirstAndCounts()
    {
        // RFC 5545 3.3.10: DTSTART always counts as the first occurrence (Ical.Net 5 leaves it out).
        var first = Between("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"); // a Tuesday
        Assert.Equal(
            ["2026-12-01 09:00 +08:00", "2026-12-04 09:00 +08:00", "2026-12-11 09:00 +08:00"],
            Starts(first, "FREQ=WEEKLY;BYDAY=FR;COUNT=3", Shanghai));
    }

    [Fact]
    public void Daily_ThroughOverlap_TakesTheEarlierInstant()
    {
        // Berlin repeats 02:00-03:00 on 2026-10-25: 02:30 is taken at +02:00.
        var first = Between("2026-10-24T00:30:00Z", "2026-10-24T01:00:00Z");
        Assert.Equal(
            ["2026-10-24 02:30 +02:00", "2026-10-25 02:30 +02:00", "2026-10-26 02:30 +01:00"],
            Starts(first, "FREQ=DAILY;COUNT=3", Berlin));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FREQ=YEARLY;COUNT=2")]
    [InlineData("FREQ=WEEKLY")]
    [InlineData("FREQ=WEEKLY;COUNT=0")]
    [InlineData("FREQ=WEEKLY;COUNT=400")]
    [InlineData("FREQ=WEEKLY;COUNT=2;UNTIL=20270101")]
    [InlineData("FREQ=WEEKLY;BYDAY=XX;COUNT=2")]
    [InlineData("FREQ=WEEKLY;BYDAY=2TU;COUNT=2")]
    [InlineData("FREQ=DAILY;INTERVAL=-1;COUNT=2")]
    [InlineData("FREQ=DAILY;BYHOUR=9;COUNT=2")]
    [InlineData("FREQ=DAILY;COUNT=2;COUNT=3")]
    [InlineData("garbage")]
    [InlineData("FREQ=WEEKLY;BYMONTHDAY=1;COUNT=2")]
    [InlineData("FREQ=MONTHLY;BYSETPOS=1;COUNT=2")]
    [InlineData("FREQ=MONTHLY;BYWEEKNO=1;COUNT=2")]
    [InlineData("FREQ=1;COUNT=2")]
    [InlineData("FREQ=WEEKLY;WKST=XX;COUNT=2")]
    public void Parse_BadRule_IsValidation(string text) => Assert.Equal(ErrorCodes.Validation, RecurrenceRule.Parse(text).Error?.Code);
}
