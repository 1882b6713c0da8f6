using System.Text.Json;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence.Notifications;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Grains.Instruments;

/// <summary>The notices that go into the outbox with a booking change.</summary>
internal static class BookingNotices
{
    /// <summary>Reminders go out this long before a booking starts.</summary>
    public static readonly Duration ReminderLead = Duration.FromHours(24);

    /// <summary>For a new booking: confirmed or awaiting approval, and a reminder when there is time for one.</summary>
    public static IReadOnlyList<Notice> ForNew(Booking booking, Instant now)
    {
        var notices = new List<Notice>
        {
            Of(booking, booking.Status == BookingStatus.Pending ? NoticeKinds.Pending : NoticeKinds.Confirmed, now),
        };
        if (booking.Interval.Start - ReminderLead > now)
        {
            notices.Add(Of(booking, NoticeKinds.Reminder, booking.Interval.Start - ReminderLead));
        }

        return notices;
    }

    /// <summary>For a status change, the notice it calls for (check-in and completion call for none).</summary>
    public static IReadOnlyList<Notice> ForTransition(Booking before, BookingStatus target, string? reason, Instant now)
    {
        var kind = (before.Status, target) switch
        {
            (BookingStatus.Pending, BookingStatus.Confirmed) => NoticeKinds.Approved,
            (_, BookingStatus.Rejected) => NoticeKinds.Rejected,
            (_, BookingStatus.Cancelled) => NoticeKinds.Cancelled,
            (_, BookingStatus.NoShow) => NoticeKinds.NoShow,
            (_, BookingStatus.Expired) => NoticeKinds.Expired,
            _ => null,
        };
        return kind is null ? [] : [Of(before with { Status = target, StatusReason = reason }, kind, now)];
    }

    public static Notice Of(Booking booking, string kind, Instant due, string? userId = null) => new(
        Guid.CreateVersion7(),
        userId ?? booking.UserId,
        kind,
        booking.Id,
        due,
        JsonSerializer.Serialize(new
        {
            bookingId = booking.Id,
            instrumentId = booking.InstrumentId,
            labId = booking.LabId,
            teamId = booking.TeamId,
            status = BookingLifecycle.ToWire(booking.Status),
            start = InstantPattern.ExtendedIso.Format(booking.Interval.Start),
            end = InstantPattern.ExtendedIso.Format(booking.Interval.End),
            reason = booking.StatusReason,
        }));
}
