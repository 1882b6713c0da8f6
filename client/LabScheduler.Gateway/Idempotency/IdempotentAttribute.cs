namespace LabScheduler.Gateway.Idempotency;

/// <summary>Marks a creating POST whose responses are replayed for a repeated Idempotency-Key.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class IdempotentAttribute : Attribute
{
    /// <summary>
    /// The endpoint writes the key's row itself, in the same statement as what it creates (a booking,
    /// by its instrument grain), and answers a retry by finding what the key's request created. The
    /// middleware then claims nothing before the request: it keeps only answers that created nothing
    /// (refusals), and answers from the key's row when the endpoint says the key was taken
    /// (<see cref="RequestKeyFeature"/>).
    /// </summary>
    public bool KeyWrittenWithResult { get; init; }
}

/// <summary>
/// The Idempotency-Key of a request to an endpoint that writes the key's row itself
/// (<see cref="IdempotentAttribute.KeyWrittenWithResult"/>), with what the endpoint tells the middleware back.
/// </summary>
public sealed class RequestKeyFeature(string key, byte[] requestHash, NodaTime.Instant at)
{
    public string Key { get; } = key;

    public byte[] RequestHash { get; } = requestHash;

    /// <summary>When the request came (the gateway's clock, by which keys are kept and purged).</summary>
    public NodaTime.Instant At { get; } = at;

    /// <summary>Set by the endpoint: the key's row was written with what the request created, or by the earlier attempt it found.</summary>
    public bool Kept { get; set; }

    /// <summary>Set by the endpoint: the key is another request's; the middleware answers from its row.</summary>
    public bool Taken { get; set; }

    /// <summary>Set by the endpoint: the answer is an earlier attempt's result (Idempotent-Replayed).</summary>
    public bool Replayed { get; set; }
}
