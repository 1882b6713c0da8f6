using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Time;

/// <summary>
/// Strict resolution of local times typed by people, on real zones: a time the clocks skip
/// is time.nonexistent-local, a time they pass twice is time.ambiguous-local, anything else
/// maps to the one instant with the offset in force then.
/// </summary>
public sealed class LabTimeTests
{
    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("Asia/Dushanbe")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("Europe/Minsk")]
    public void FindZone_KnownIanaId_ReturnsZone(string id) => Assert.Equal(id, LabTime.FindZone(id).Value.Id);

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("asia/shanghai ")]
    public void FindZone_UnknownId_IsUnknownZone(string? id) => Assert.Equal(ErrorCodes.UnknownZone, LabTime.FindZone(id).Error?.Code);

    [Theory]
    // Europe/Berlin springs forward at 02:00 on 2026-03-29 and falls back at 03:00 on 2026-10-25.
    [InlineData("Europe/Berlin", "2026-03-29T01:59", "2026-03-29T00:59:00Z")]
    [InlineData("Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00Z")]
    [InlineData("Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00Z")]
    // Africa/Cairo springs forward at midnight: the day starts at 01:00 on 2026-04-24.
    [InlineData("Africa/Cairo", "2026-04-24T01:00", "2026-04-23T22:00:00Z")]
    // Half- and quarter-hour offsets.
    [InlineData("Asia/Kolkata", "2026-12-01T09:00", "2026-12-01T03:30:00Z")]
    [InlineData("Asia/Kathmandu", "2026-12-01T09:00", "2026-12-01T03:15:00Z")]
    [InlineData("Asia/Tehran", "2026-12-01T09:00", "2026-12-01T05:30:00Z")]
    // Tehran kept summer time until 2022: +04:30 in July 2022.
    [InlineData("Asia/Tehran", "2022-07-01T09:00", "2022-07-01T04:30:00Z")]
    // Almaty moved from UTC+6 to UTC+5 on 2024-03-01: the same 09:00 is an hour later in UTC.
    [InlineData("Asia/Almaty", "2024-02-28T09:00", "2024-02-28T03:00:00Z")]
    [InlineData("Asia/Almaty", "2024-03-01T09:00", "2024-03-01T04:00:00Z")]
    public void ResolveStrictly_UniqueLocalTime_MapsToInstantInForce(string zone, string local, string expected) =>
        Assert.Equal(Utc(expected), LabTime.ResolveStrictly(Local(local), LabTime.FindZone(zone).Value).Value);

    [Theory]
    [InlineData("Europe/Berlin", "2026-03-29T02:30")]
    [InlineData("Africa/Cairo", "2026-04-24T00:30")]
    [InlineData("Asia/Tehran", "2022-03-22T00:00")]
    // Kathmandu skipped 15 minutes when it moved from +05:30 to +05:45 on 1986-01-01.
    [InlineData("Asia/Kathmandu", "1986-01-01T00:10")]
    public void ResolveStrictly_TimeInGap_IsNonexistentLocal(string zone, string local)
    {
        var result = LabTime.ResolveStrictly(Local(local), LabTime.FindZone(zone).Value);
        Assert.Equal(ErrorCodes.NonexistentLocal, result.Error?.Code);
    }

    [Theory]
    [InlineData("Europe/Berlin", "2026-10-25T02:30")]
    [InlineData("Africa/Cairo", "2026-10-29T23:30")]
    [InlineData("Asia/Tehran", "2022-09-21T23:15")]
    // Almaty's move to UTC+5 repeated the hour 23:00-24:00 of 2024-02-29.
    [InlineData("Asia/Almaty", "2024-02-29T23:30")]
    public void ResolveStrictly_TimeInOverlap_IsAmbiguousLocal(string zone, string local)
    {
        var result = LabTime.ResolveStrictly(Local(local), LabTime.FindZone(zone).Value);
        Assert.Equal(ErrorCodes.AmbiguousLocal, result.Error?.Code);
    }

    [Fact]
    public void RecurrenceResolver_TimeInGap_MovesForwardByGapLength()
    {
        var resolved = Berlin.ResolveLocal(Local("2026-03-29T02:30"), LabTime.RecurrenceResolver);
        Assert.Equal(Utc("2026-03-29T01:30:00Z"), resolved.ToInstant());
    }
}
