using NodaTime;

namespace LabScheduler.Persistence.Notifications;

/// <summary>One notification to write into the outbox with a booking change.</summary>
public sealed record Notice(Guid Id, string UserId, string Kind, Guid? BookingId, Instant DueAt, string PayloadJson);

/// <summary>Notification kinds.</summary>
public static class NoticeKinds
{
    public const string Confirmed = "booking.confirmed";
    public const string Pending = "booking.pending";
    public const string Approved = "booking.approved";
    public const string Rejected = "booking.rejected";
    public const string Cancelled = "booking.cancelled";
    public const string NoShow = "booking.no-show";
    public const string Expired = "booking.expired";
    public const string Reminder = "booking.reminder";
    public const string WaitlistOffer = "waitlist.offer";
    public const string WaitlistBooked = "waitlist.booked";
}
