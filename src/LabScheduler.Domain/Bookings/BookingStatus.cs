namespace LabScheduler.Domain.Bookings;

/// <summary>Where a booking is in its life. The numbers are stored; never renumber.</summary>
public enum BookingStatus
{
    Pending = 0,
    Confirmed = 1,
    Rejected = 2,
    Cancelled = 3,
    CheckedIn = 4,
    Completed = 5,
    NoShow = 6,
    Expired = 7,
}
