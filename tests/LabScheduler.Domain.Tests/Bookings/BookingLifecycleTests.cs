using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Domain.Tests.Bookings;

public sealed class BookingLifecycleTests
{
    [Theory]
    [InlineData(BookingStatus.Pending, BookingStatus.Confirmed)]
    [InlineData(BookingStatus.Pending, BookingStatus.Rejected)]
    [InlineData(BookingStatus.Pending, BookingStatus.Cancelled)]
    [InlineData(BookingStatus.Confirmed, BookingStatus.Cancelled)]
    public void Transition_AllowedByContract_Succeeds(BookingStatus from, BookingStatus to) =>
        Assert.Equal(to, BookingLifecycle.Transition(from, to).Value);

    [Theory]
    [InlineData(BookingStatus.Confirmed, BookingStatus.Rejected)]
    [InlineData(BookingStatus.Confirmed, BookingStatus.Confirmed)]
    [InlineData(BookingStatus.Cancelled, BookingStatus.Confirmed)]
    [InlineData(BookingStatus.Rejected, BookingStatus.Cancelled)]
    [InlineData(BookingStatus.Cancelled, BookingStatus.Cancelled)]
    public void Transition_NotAllowed_IsInvalidTransition(BookingStatus from, BookingStatus to) =>
        Assert.Equal(ErrorCodes.InvalidTransition, BookingLifecycle.Transition(from, to).Error?.Code);

    [Fact]
    public void Wire_EveryStatus_RoundTrips()
    {
        foreach (var status in Enum.GetValues<BookingStatus>())
        {
            Assert.Equal(status, BookingLifecycle.FromWire(BookingLifecycle.ToWire(status)));
        }
    }

    [Fact]
    public void HoldsTime_OnlyPendingConfirmedAndCheckedIn() =>
        Assert.Equal(
            [BookingStatus.Pending, BookingStatus.Confirmed, BookingStatus.CheckedIn],
            Enum.GetValues<BookingStatus>().Where(BookingLifecycle.HoldsTime));
}
