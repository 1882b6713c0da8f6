namespace LabScheduler.Domain.Errors;

/// <summary>Problem codes between the silo and the gateway only: never sent to a client (see <see cref="ErrorCodes"/>).</summary>
public static class InternalCodes
{
    /// <summary>
    /// The booking's Idempotency-Key is another request's, or an earlier attempt's answer; nothing was
    /// written. The gateway answers from the key's row (422 idempotency.mismatch, or the kept answer).
    /// </summary>
    public const string IdempotencyKeyTaken = "idempotency.key-taken";
}
