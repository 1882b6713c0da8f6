namespace LabScheduler.Persistence.Bookings;

/// <summary>How a write of a booking row ended.</summary>
public enum WriteOutcome
{
    Written,

    /// <summary>The exclusion constraint refused an overlap with another active booking.</summary>
    Overlap,

    /// <summary>The row changed since it was read (version mismatch), or a row with that id exists.</summary>
    Stale,

    /// <summary>The request's Idempotency-Key belongs to another request (or to an earlier attempt's answer); nothing was written.</summary>
    KeyTaken,
}
