using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence.Bookings;

namespace LabScheduler.Integration.Tests;

/// <summary>The SQL spelling of which statuses hold time is the domain's rule, status for status.</summary>
public sealed class BookingSqlTests
{
    [Fact]
    public void HoldsTime_EveryStatus_AgreesWithBookingLifecycle()
    {
        var listed = BookingSql.HoldsTime.Split(',').Select(part => part.Trim()).ToList();
        Assert.All(listed, name => Assert.Matches("^'[a-z-]+'$", name));
        var inSql = listed.Select(name => name.Trim('\'')).ToHashSet();

        Assert.Equal(listed.Count, inSql.Count);
        Assert.All(inSql, name => Assert.NotNull(BookingLifecycle.FromWire(name)));
        Assert.All(Enum.GetValues<BookingStatus>(), status =>
            Assert.True(BookingLifecycle.HoldsTime(status) == inSql.Contains(BookingLifecycle.ToWire(status)), $"{status} disagrees"));
    }
}
