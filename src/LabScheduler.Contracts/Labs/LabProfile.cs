namespace LabScheduler.Contracts.Labs;

/// <summary>A joint laboratory: where it is, its zone, and which states are its partners.</summary>
[GenerateSerializer, Immutable, Alias("ls.LabProfile")]
public sealed record LabProfile
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Name { get; init; }

    [Id(2)] public required string HostInstitution { get; init; }

    [Id(3)] public required string MemberState { get; init; }

    [Id(4)] public required string TimeZone { get; init; }

    [Id(5)] public IReadOnlyList<string> PartnerStates { get; init; } = [];
}

/// <summary>A lab as read: its profile, managers and instruments.</summary>
[GenerateSerializer, Immutable, Alias("ls.LabView")]
public sealed record LabView
{
    [Id(0)] public required LabProfile Profile { get; init; }

    [Id(1)] public IReadOnlyList<string> Managers { get; init; } = [];

    [Id(2)] public IReadOnlyList<string> Instruments { get; init; } = [];
}
