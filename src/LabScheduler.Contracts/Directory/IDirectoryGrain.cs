using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;

namespace LabScheduler.Contracts.Directory;

/// <summary>
/// Lists of users and teams, from the directory tables their grains keep (ids and names only;
/// each listed entry is read from its own grain, which stays the truth). Stateless.
/// </summary>
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Users by id whose id, name or e-mail contains <paramref name="query"/> (admin only).</summary>
    Task<CommandResult<DirectoryPage<UserView>>> ListUsersAsync(Actor actor, string? query, string? afterId, int limit);

    /// <summary>Teams by id: every team for administrators, the actor's own teams for anyone else.</summary>
    Task<CommandResult<DirectoryPage<TeamView>>> ListTeamsAsync(Actor actor, string? afterId, int limit);

    /// <summary>Every user, for demo mode's sign-in picker (the gateway offers it only in demo mode).</summary>
    Task<IReadOnlyList<UserView>> SignInUsersAsync();
}

/// <summary>A page of a directory list and the id the next page starts after, or null.</summary>
[GenerateSerializer, Immutable, Alias("ls.DirectoryPage`1")]
public sealed record DirectoryPage<T>([property: Id(0)] IReadOnlyList<T> Items, [property: Id(1)] string? Next);
