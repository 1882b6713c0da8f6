namespace LabScheduler.Domain.Errors;

/// <summary>The stable error codes of the public contract.</summary>
public static class ErrorCodes
{
    public const string Validation = "validation";
    public const string NotFound = "not-found";
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";
    public const string NotTeamMember = "auth.not-team-member";
    public const string NotAuthorizedOnInstrument = "auth.not-authorized-on-instrument";
    public const string BookingConflict = "booking.conflict";
    public const string OutsideOpeningHours = "booking.outside-opening-hours";
    public const string TooShort = "booking.too-short";
    public const string TooLong = "booking.too-long";
    public const string OffGrid = "booking.off-grid";
    public const string LeadTime = "booking.lead-time";
    public const string BeyondHorizon = "booking.beyond-horizon";
    public const string InPast = "booking.in-past";
    public const string InstrumentUnavailable = "booking.instrument-unavailable";
    public const string InvalidTransition = "booking.invalid-transition";
    public const string BlackoutConflict = "blackout.conflict";
    public const string QuotaExceeded = "quota.exceeded";
    public const string UnknownZone = "time.unknown-zone";
    public const string NonexistentLocal = "time.nonexistent-local";
    public const string AmbiguousLocal = "time.ambiguous-local";
    public const string IdempotencyMismatch = "idempotency.mismatch";
    public const string AlreadyExists = "conflict.exists";
    public const string RulesConflict = "rules.conflict";
    public const string BookingStarted = "booking.started";

    /// <summary>No notification with that id in the outbox: 404.</summary>
    public const string NotificationNotFound = "notification.not-found";

    /// <summary>A retry of a notification already delivered (or skipped): 409.</summary>
    public const string NotificationDelivered = "notification.delivered";

    /// <summary>Too many requests from one user or address: 429 with Retry-After.</summary>
    public const string RateLimited = "rate-limited";

    /// <summary>An outage (the database or a silo gone, or a write whose outcome is unknown): 503, try again.</summary>
    public const string Unavailable = "unavailable";
}
