namespace LabScheduler.Persistence.Bookings;

/// <summary>Pieces of SQL about bookings that several queries share, so each rule is spelled once.</summary>
public static class BookingSql
{
    /// <summary>
    /// The statuses whose booking holds its time, as a SQL list for <c>status IN ({HoldsTime})</c>:
    /// the same set as <see cref="Domain.Bookings.BookingLifecycle.HoldsTime"/> (a test compares them
    /// over every status). The migrations spell the list out themselves: they are history.
    /// </summary>
    public const string HoldsTime = "'pending', 'confirmed', 'checked-in'";
}
