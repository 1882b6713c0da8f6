using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Domain.Bookings;

/// <summary>What a cancellation is: free, or late (charged like a no-show where no-shows are charged).</summary>
public enum CancellationKind
{
    Free,
    Late,
}

/// <summary>
/// Who may cancel when (API "Bookings"): the booker until the start, late within
/// <see cref="BookingRules.CancelDeadlineHours"/> of it; a started session ends with check-out
/// or becomes a no-show, never a free cancellation. Lab managers and administrators may cancel at
/// any time (an instrument failure), free of charge.
/// </summary>
public static class Cancellation
{
    public static Result<CancellationKind> Decide(bool byManager, Instant now, Interval booked, int deadlineHours)
    {
        if (byManager)
        {
            return CancellationKind.Free;
        }

        if (now >= booked.Start)
        {
            return Result<CancellationKind>.Fail(ErrorCodes.BookingStarted,
                "The booking has started: a started session ends with check-out, and one never checked in becomes a no-show.");
        }

        return now > booked.Start - Duration.FromHours(deadlineHours) ? CancellationKind.Late : CancellationKind.Free;
    }
}
