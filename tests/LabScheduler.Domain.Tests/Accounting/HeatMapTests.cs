using LabScheduler.Domain.Accounting;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Accounting;

public sealed class HeatMapTests
{
    [Fact]
    public void Add_SplitsAtLocalHours_InAHalfHourZone()
    {
        var map = new HeatMap();
        // Tuesday 2026-12-01 09:30-11:15 in Asia/Kolkata.
        map.Add(Between("2026-12-01T04:00:00Z", "2026-12-01T05:45:00Z"), Kolkata);
        Assert.Equal(30, map[IsoDayOfWeek.Tuesday, 9]);
        Assert.Equal(60, map[IsoDayOfWeek.Tuesday, 10]);
        Assert.Equal(15, map[IsoDayOfWeek.Tuesday, 11]);
        Assert.Equal(105, map.ToRows().SelectMany(r => r).Sum());
    }

    [Fact]
    public void Add_AcrossFallBack_TheRepeatedHourHoldsBothPasses()
    {
        var map = new HeatMap();
        // Sunday 2026-10-25 in Berlin, 01:00 CEST to 04:00 CET: four real hours, local 02:00-03:00 twice.
        map.Add(Between("2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z"), Berlin);
        Assert.Equal(60, map[IsoDayOfWeek.Sunday, 1]);
        Assert.Equal(120, map[IsoDayOfWeek.Sunday, 2]);
        Assert.Equal(60, map[IsoDayOfWeek.Sunday, 3]);
    }
}
