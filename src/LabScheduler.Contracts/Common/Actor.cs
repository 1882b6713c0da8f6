namespace LabScheduler.Contracts.Common;

/// <summary>
/// Who asks: every command carries its caller, and the grains decide what that caller may do,
/// so no client path bypasses the rights of the HTTP API.
/// </summary>
[GenerateSerializer, Immutable, Alias("ls.Actor")]
public sealed record Actor([property: Id(0)] string UserId)
{
    /// <summary>
    /// The system itself (seeding, scheduled jobs). Its id cannot be a user id (ids match
    /// ^[a-z0-9][a-z0-9-]{1,63}$), so no token can claim it.
    /// </summary>
    public static Actor System { get; } = new("$system");

    public bool IsSystem => UserId == System.UserId;
}
