using LabScheduler.Contracts.Common;

namespace LabScheduler.Contracts.Users;

/// <summary>A user (key: user id): profile, home time zone, roles, teams and managed labs.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user (admin only); conflict.exists when the id is taken.</summary>
    Task<CommandResult<UserView>> CreateAsync(Actor actor, UserProfile profile);

    /// <summary>The user as the actor may see it (self or admin), or not-found / auth.forbidden.</summary>
    Task<CommandResult<UserView>> GetAsync(Actor actor);

    /// <summary>Changes the user's display name, home zone or language (the user only).</summary>
    Task<CommandResult<UserView>> UpdateAsync(Actor actor, UserPatch patch);

    /// <summary>The profile, or null: for reading zones and names where the caller is already allowed.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>What this user may do; <see cref="Access.Exists"/> is false for an unknown user.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<Access> GetAccessAsync();

    /// <summary>A new secret for the user's calendar feed URL (the old one stops working); self only.</summary>
    Task<CommandResult<string>> RotateFeedTokenAsync(Actor actor);

    /// <summary>Whether <paramref name="token"/> is the user's current feed token.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> IsFeedTokenAsync(string token);

    /// <summary>Records that the user joined or left a team (called by the team grain); a problem when it could not be stored.</summary>
    [InternalOnly]
    Task<Problem?> SetTeamAsync(string teamId, bool member);

    /// <summary>Records that the user manages a lab or no longer does (called by the lab grain); a problem when it could not be stored.</summary>
    [InternalOnly]
    Task<Problem?> SetManagedLabAsync(string labId, bool manages);
}

/// <summary>A user as read: profile, teams and managed labs.</summary>
[GenerateSerializer, Immutable, Alias("ls.UserView")]
public sealed record UserView
{
    [Id(0)] public required UserProfile Profile { get; init; }

    [Id(1)] public IReadOnlyList<string> Teams { get; init; } = [];

    [Id(2)] public IReadOnlyList<string> ManagedLabs { get; init; } = [];
}
