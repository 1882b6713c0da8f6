using NodaTime;

namespace LabScheduler.Silo.Notifications;

/// <summary>How the outbox job delivers (configuration section Notifications:Outbox).</summary>
public sealed class OutboxOptions
{
    /// <summary>Notices claimed at once (default 25). With the other defaults a batch's claim lasts 25 × 10 s + 30 s = 280 s.</summary>
    public int BatchSize { get; set; } = 25;

    /// <summary>
    /// The longest one delivery may take (default 10 s): the job cancels a send that takes longer and counts it
    /// as failed, whatever the sender does, and the webhook's HTTP client has the same timeout.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Added to a batch's claim for claiming, recording and a slow database (default 30 s).</summary>
    public TimeSpan ClaimMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts before a notice is dead (default 8): with the back-off of 1, 2, 4 ... minutes (at most 60)
    /// between them, a receiver down for about two hours. A dead notice waits for an administrator's retry.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a batch is claimed: every delivery of the batch at its timeout, one after another, plus the margin.
    /// A claim so computed outlives its batch, so no other deliverer takes over notices still being sent. (The
    /// alternative, renewing the claim while delivering, needs a statement per renewal and still fails when the
    /// renewal does; a smaller batch with a claim that fits keeps a crashed deliverer's notices waiting under
    /// five minutes.)
    /// </summary>
    public Duration ClaimFor => Duration.FromTimeSpan(DeliveryTimeout * BatchSize + ClaimMargin);

    /// <summary>Throws on settings that cannot work; the silo refuses to start with them.</summary>
    public OutboxOptions Validate()
    {
        if (BatchSize is < 1 or > 1000)
        {
            throw new InvalidOperationException($"Notifications__Outbox__BatchSize must be from 1 to 1000, not {BatchSize}.");
        }

        if (DeliveryTimeout <= TimeSpan.Zero || DeliveryTimeout > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"Notifications__Outbox__DeliveryTimeout must be more than 0 and at most 5 minutes, not {DeliveryTimeout}.");
        }

        if (ClaimMargin < TimeSpan.Zero || ClaimMargin > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"Notifications__Outbox__ClaimMargin must be from 0 to 10 minutes, not {ClaimMargin}.");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            throw new InvalidOperationException($"Notifications__Outbox__MaxAttempts must be from 1 to 100, not {MaxAttempts}.");
        }

        return this;
    }
}
