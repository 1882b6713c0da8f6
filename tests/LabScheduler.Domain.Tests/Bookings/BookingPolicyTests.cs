using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Bookings;

/// <summary>Each rule of the HTTP API refuses with its own stable code; a booking that keeps them all is accepted.</summary>
public sealed class BookingPolicyTests
{
    // Monday 2026-11-30, 00:00 UTC; the lab is in Asia/Shanghai (+08:00), open 08:00-20:00 local.
    private static readonly Instant Now = Utc("2026-11-30T00:00:00Z");

    private static readonly OpeningHours EightToEight = new(
        [.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => new WeeklyOpening(d, new LocalTime(8, 0), new LocalTime(20, 0)))],
        []);

    private static InstrumentSchedule Schedule(BookingRules? rules = null, IReadOnlyList<Interval>? blackouts = null, bool active = true, DateTimeZone? zone = null) =>
        new(zone ?? Shanghai, rules ?? BookingRules.Default, EightToEight, blackouts ?? [], active);

    private static string? Code(Interval requested, InstrumentSchedule schedule, BookingCalendar? calendar = null) =>
        BookingPolicy.Check(requested, Now, schedule, calendar ?? new BookingCalendar()).Error?.Code;

    // Tuesday 2026-12-01 09:00-11:00 local.
    private static readonly Interval Good = Between("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");

    [Fact]
    public void Check_BookingWithinAllRules_IsAccepted() => Assert.Null(Code(Good, Schedule()));

    [Fact]
    public void Check_InstrumentInMaintenance_IsUnavailable() =>
        Assert.Equal(ErrorCodes.InstrumentUnavailable, Code(Good, Schedule(active: false)));

    [Fact]
    public void Check_EndNotAfterStart_IsValidation() =>
        Assert.Equal(ErrorCodes.Validation, Code(new Interval(Good.Start, Good.Start), Schedule()));

    [Fact]
    public void Check_StartBeforeNow_IsInPast() =>
        Assert.Equal(ErrorCodes.InPast, Code(Between("2026-11-29T23:00:00Z", "2026-11-30T01:00:00Z"), Schedule()));

    [Fact]
    public void Check_StartInsideLeadTime_IsLeadTime() =>
        Assert.Equal(ErrorCodes.LeadTime, Code(Good, Schedule(new BookingRules { LeadMinutes = 2 * 24 * 60 })));

    [Fact]
    public void Check_StartBeyondHorizon_IsBeyondHorizon() =>
        Assert.Equal(ErrorCodes.BeyondHorizon, Code(Between("2027-03-01T01:00:00Z", "2027-03-01T02:00:00Z"), Schedule()));

    [Fact]
    public void Check_ShorterThanMinimum_IsTooShort() =>
        Assert.Equal(ErrorCodes.TooShort, Code(Good, Schedule(new BookingRules { MinMinutes = 180 })));

    [Fact]
    public void Check_LongerThanMaximum_IsTooLong() =>
        Assert.Equal(ErrorCodes.TooLong, Code(Good, Schedule(new BookingRules { MaxMinutes = 60 })));

    [Fact]
    public void Check_StartOffTheGrid_IsOffGrid() =>
        Assert.Equal(ErrorCodes.OffGrid, Code(Between("2026-12-01T01:10:00Z", "2026-12-01T02:00:00Z"), Schedule()));

    [Fact]
    public void Check_GridIsLabLocal_QuarterHourOffsetZoneAcceptsLocalHours()
    {
        // Kathmandu is +05:45: local 09:00-10:00 is 03:15Z-04:15Z, on an hourly grid there.
        var kathmandu = Schedule(new BookingRules { SlotMinutes = 60 }, zone: Kathmandu);
        Assert.Null(Code(Between("2026-12-01T03:15:00Z", "2026-12-01T04:15:00Z"), kathmandu));
        Assert.Equal(ErrorCodes.OffGrid, Code(Between("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z"), kathmandu));
    }

    [Fact]
    public void Check_RunningPastClosing_IsOutsideOpeningHours() =>
        Assert.Equal(ErrorCodes.OutsideOpeningHours, Code(Between("2026-12-01T11:00:00Z", "2026-12-01T13:00:00Z"), Schedule()));

    [Fact]
    public void Check_OverlappingBlackout_IsConflict() =>
        Assert.Equal(ErrorCodes.BookingConflict, Code(Good, Schedule(blackouts: [Between("2026-12-01T02:00:00Z", "2026-12-01T05:00:00Z")])));

    [Fact]
    public void Check_OverlappingBooking_IsConflict()
    {
        var calendar = new BookingCalendar();
        calendar.Add(Guid.NewGuid(), Between("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z"));
        Assert.Equal(ErrorCodes.BookingConflict, Code(Good, Schedule(), calendar));
    }

    [Fact]
    public void Check_TouchingBooking_IsAccepted()
    {
        var calendar = new BookingCalendar();
        calendar.Add(Guid.NewGuid(), Between("2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z"));
        Assert.Null(Code(Good, Schedule(), calendar));
    }

    [Fact]
    public void Check_InsideBufferOfEarlierBooking_IsConflict()
    {
        var calendar = new BookingCalendar();
        calendar.Add(Guid.NewGuid(), Between("2026-12-01T00:00:00Z", "2026-12-01T01:00:00Z"));
        var withBuffer = Schedule(new BookingRules { BufferMinutes = 30 });
        Assert.Equal(ErrorCodes.BookingConflict, Code(Good, withBuffer, calendar));
        Assert.Null(Code(Between("2026-12-01T01:30:00Z", "2026-12-01T03:00:00Z"), withBuffer, calendar));
    }

    [Fact]
    public void Check_EndingInsideBufferBeforeLaterBooking_IsConflict()
    {
        var calendar = new BookingCalendar();
        calendar.Add(Guid.NewGuid(), Between("2026-12-01T03:15:00Z", "2026-12-01T04:00:00Z"));
        Assert.Equal(ErrorCodes.BookingConflict, Code(Good, Schedule(new BookingRules { BufferMinutes = 30 }), calendar));
    }

    [Fact]
    public void Check_CapacityTwo_AcceptsSecondOverlapAndRefusesThird()
    {
        var calendar = new BookingCalendar();
        var schedule = Schedule(new BookingRules { Capacity = 2 });
        calendar.Add(Guid.NewGuid(), Good);
        Assert.Null(Code(Good, schedule, calendar));
        calendar.Add(Guid.NewGuid(), Between("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z"));
        Assert.Equal(ErrorCodes.BookingConflict, Code(Good, schedule, calendar));
        // Where only one seat is taken, a third booking still fits.
        Assert.Null(Code(Between("2026-12-01T03:00:00Z", "2026-12-01T05:00:00Z"), schedule, calendar));
    }
}
