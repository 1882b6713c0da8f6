namespace LabScheduler.Contracts.Common;

/// <summary>What a user may do: admin or not, the teams they book for, the labs they manage.</summary>
[GenerateSerializer, Immutable, Alias("ls.Access")]
public sealed record Access
{
    [Id(0)] public required string UserId { get; init; }

    [Id(1)] public bool Exists { get; init; }

    [Id(2)] public bool IsAdmin { get; init; }

    [Id(3)] public IReadOnlyList<string> Teams { get; init; } = [];

    [Id(4)] public IReadOnlyList<string> ManagedLabs { get; init; } = [];

    /// <summary>Unrestricted rights of the system actor.</summary>
    public static Access ForSystem { get; } = new() { UserId = Actor.System.UserId, Exists = true, IsAdmin = true };

    public bool Manages(string labId) => IsAdmin || ManagedLabs.Contains(labId);

    public bool BelongsTo(string teamId) => Teams.Contains(teamId);
}
