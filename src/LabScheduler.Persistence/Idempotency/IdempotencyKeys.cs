using NodaTime;

namespace LabScheduler.Persistence.Idempotency;

/// <summary>
/// The rules of the idempotency_keys table, shared by the gateway (which keeps most keys' responses)
/// and the booking store (which writes a booking's key in the booking's own statement).
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>How long keys are remembered (the contract promises at least 24 hours).</summary>
    public static readonly Duration Retention = Duration.FromHours(48);

    /// <summary>
    /// A pending claim not renewed for this long is taken over. Short, so that a retry after an outage
    /// is not told "in progress" for long; taking over a request that in fact still runs is safe for
    /// the writes that matter, whose ids are derived from the key.
    /// </summary>
    public static readonly Duration Lease = Duration.FromSeconds(10);

    /// <summary>The status of a claim whose request still runs.</summary>
    public const int Pending = 0;

    /// <summary>
    /// The condition (on the existing row <c>k</c>) under which a new request may take the key: the
    /// row is past the retention, or a pending claim that was not renewed within the lease.
    /// Parameters <c>@keyExpired</c> and <c>@keyAbandoned</c>; see <see cref="Thresholds"/>.
    /// </summary>
    public const string TakeOverWhere = "k.created_at < @keyExpired OR (k.status = 0 AND k.created_at < @keyAbandoned)";

    /// <summary>The two instants of <see cref="TakeOverWhere"/> at <paramref name="now"/>.</summary>
    public static (Instant Expired, Instant Abandoned) Thresholds(Instant now) => (now - Retention, now - Lease);
}

/// <summary>A booking request's Idempotency-Key as its row is written with the booking (at: the gateway's clock).</summary>
public sealed record BookingKeyRow(string UserId, string Key, byte[] RequestHash, string Location, Instant At);
