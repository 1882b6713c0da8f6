namespace LabScheduler.Contracts.Teams;

/// <summary>A research team that books instruments and is charged for them.</summary>
[GenerateSerializer, Immutable, Alias("ls.TeamProfile")]
public sealed record TeamProfile
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Name { get; init; }

    [Id(2)] public required string Institution { get; init; }

    [Id(3)] public required string MemberState { get; init; }
}

/// <summary>A team as read: profile and members.</summary>
[GenerateSerializer, Immutable, Alias("ls.TeamView")]
public sealed record TeamView
{
    [Id(0)] public required TeamProfile Profile { get; init; }

    [Id(1)] public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Minutes per calendar month (in the instrument lab's zone), by instrument id.</summary>
    [Id(2)] public IReadOnlyDictionary<string, int> Quotas { get; init; } = new Dictionary<string, int>();
}
