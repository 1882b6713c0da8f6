namespace LabScheduler.Gateway.RateLimiting;

/// <summary>Request limits of one gateway (section "RateLimits", environment RateLimits__*), each a fixed window per partition.</summary>
public sealed class RateLimitSettings
{
    /// <summary>False turns every limit off. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Per signed-in user (the token's subject), on every API call. Default 3,000 per 10 s: far
    /// above what a person or the web app sends, low enough that one stolen token cannot flood a silo.
    /// </summary>
    public WindowLimit PerUser { get; set; } = new() { PermitLimit = 3000, Window = TimeSpan.FromSeconds(10) };

    /// <summary>Per client address, on calls without a signed-in user. Default 600 per 10 s.</summary>
    public WindowLimit PerAddress { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Per client address, on the anonymous endpoints that hand out or take secrets (dev tokens,
    /// calendar feeds by token), in addition to the limits above. Default 30 per 10 s.
    /// </summary>
    public WindowLimit Anonymous { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromSeconds(10) };
}

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/>; more are refused (429), none queued.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
