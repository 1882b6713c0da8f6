using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Availability;

public sealed class SlotFinderTests
{
    private static readonly Instant Now = Utc("2026-11-30T00:00:00Z");

    [Fact]
    public void Earliest_StartsOnTheLabsLocalGrid_QuarterHourZone()
    {
        // Free from 03:20Z (09:05 in Kathmandu): the first hourly slot starts at 10:00 local = 04:15Z.
        var free = new[] { Between("2026-12-01T03:20:00Z", "2026-12-01T07:00:00Z") };
        var slots = SlotFinder.Earliest(free, Duration.FromHours(1), Now, new BookingRules { SlotMinutes = 60 }, Kathmandu, 3);
        Assert.Equal(
            [Between("2026-12-01T04:15:00Z", "2026-12-01T05:15:00Z"), Between("2026-12-01T05:15:00Z", "2026-12-01T06:15:00Z")],
            slots);
    }

    [Fact]
    public void Earliest_RespectsLeadTimeHorizonAndLength()
    {
        var free = new[] { Between("2026-11-30T00:00:00Z", "2026-11-30T06:00:00Z") };
        var withLead = SlotFinder.Earliest(free, Duration.FromMinutes(30), Now, new BookingRules { LeadMinutes = 120 }, Shanghai, 1);
        Assert.Equal([Between("2026-11-30T02:00:00Z", "2026-11-30T02:30:00Z")], withLead);

        Assert.Empty(SlotFinder.Earliest(free, Duration.FromMinutes(30), Now, new BookingRules { MinMinutes = 60 }, Shanghai, 1));
        Assert.Empty(SlotFinder.Earliest(free, Duration.FromHours(9), Now, BookingRules.Default, Shanghai, 1));
        var far = new[] { Between("2027-06-01T00:00:00Z", "2027-06-01T06:00:00Z") };
        Assert.Empty(SlotFinder.Earliest(far, Duration.FromMinutes(30), Now, BookingRules.Default, Shanghai, 1));
    }

    [Fact]
    public void Earliest_SkipsIntervalsTooShortForTheLength()
    {
        var free = new[] { Between("2026-12-01T00:00:00Z", "2026-12-01T00:45:00Z"), Between("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z") };
        Assert.Equal([Between("2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z")], SlotFinder.Earliest(free, Duration.FromHours(1), Now, BookingRules.Default, Shanghai, 1));
    }
}
