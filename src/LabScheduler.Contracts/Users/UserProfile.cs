namespace LabScheduler.Contracts.Users;

/// <summary>A person who signs in: researcher, lab manager or administrator.</summary>
[GenerateSerializer, Immutable, Alias("ls.UserProfile")]
public sealed record UserProfile
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string DisplayName { get; init; }

    [Id(2)] public required string Email { get; init; }

    /// <summary>The user's home IANA zone: bookings are shown in it beside the lab's.</summary>
    [Id(3)] public required string TimeZone { get; init; }

    /// <summary>ISO 3166-1 alpha-2 code of the user's country.</summary>
    [Id(4)] public required string MemberState { get; init; }

    [Id(5)] public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The language the web app speaks to the user: one of <see cref="UserLanguages.Supported"/>.</summary>
    [Id(6)] public string Language { get; init; } = UserLanguages.Default;

    public bool IsAdmin => Roles.Contains(UserRoles.Admin);
}

public static class UserRoles
{
    public const string Admin = "admin";
}

/// <summary>The languages of the web app.</summary>
public static class UserLanguages
{
    public const string Default = "en";

    public static IReadOnlyList<string> Supported { get; } = ["en", "ru", "zh-CN", "fa"];

    public static bool IsSupported(string? language) => language is not null && Supported.Contains(language);
}

/// <summary>A change of the user's own profile: null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("ls.UserPatch")]
public sealed record UserPatch
{
    [Id(0)] public string? DisplayName { get; init; }

    [Id(1)] public string? TimeZone { get; init; }

    [Id(2)] public string? Language { get; init; }
}
