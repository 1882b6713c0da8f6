using LabScheduler.Domain.Errors;

namespace LabScheduler.Domain.Bookings;

/// <summary>The allowed status transitions of a booking, and which statuses hold time.</summary>
public static class BookingLifecycle
{
    private static readonly Dictionary<BookingStatus, BookingStatus[]> Allowed = new()
    {
        [BookingStatus.Pending] = [BookingStatus.Confirmed, BookingStatus.Rejected, BookingStatus.Cancelled, BookingStatus.Expired],
        [BookingStatus.Confirmed] = [BookingStatus.Cancelled, BookingStatus.CheckedIn, BookingStatus.NoShow],
        [BookingStatus.CheckedIn] = [BookingStatus.Completed],
    };

    /// <summary>Statuses whose booking holds its time on the instrument.</summary>
    public static bool HoldsTime(BookingStatus status) =>
        status is BookingStatus.Pending or BookingStatus.Confirmed or BookingStatus.CheckedIn;

    /// <summary>Ok when <paramref name="from"/> may become <paramref name="to"/>, else booking.invalid-transition.</summary>
    public static Result<BookingStatus> Transition(BookingStatus from, BookingStatus to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to)
            ? to
            : Result<BookingStatus>.Fail(
                ErrorCodes.InvalidTransition,
                $"A {ToWire(from)} booking cannot become {ToWire(to)}.");

    /// <summary>The contract's lower-case name of a status ("no-show", "checked-in").</summary>
    public static string ToWire(BookingStatus status) => status switch
    {
        BookingStatus.Pending => "pending",
        BookingStatus.Confirmed => "confirmed",
        BookingStatus.Rejected => "rejected",
        BookingStatus.Cancelled => "cancelled",
        BookingStatus.CheckedIn => "checked-in",
        BookingStatus.Completed => "completed",
        BookingStatus.NoShow => "no-show",
        BookingStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a contract name back to a status.</summary>
    public static BookingStatus? FromWire(string? wire) =>
        Enum.GetValues<BookingStatus>().Cast<BookingStatus?>().FirstOrDefault(s => ToWire(s!.Value) == wire);
}
