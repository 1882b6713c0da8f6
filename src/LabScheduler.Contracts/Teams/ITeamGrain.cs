using LabScheduler.Contracts.Common;

namespace LabScheduler.Contracts.Teams;

/// <summary>A research team (key: team id): members and quotas per instrument.</summary>
public interface ITeamGrain : IGrainWithStringKey
{
    /// <summary>Creates the team (admin only); conflict.exists when the id is taken.</summary>
    Task<CommandResult<TeamView>> CreateAsync(Actor actor, TeamProfile profile);

    /// <summary>The team, or null when no such team exists.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<TeamView?> GetAsync();

    /// <summary>Adds a member (admin only); the user must exist.</summary>
    Task<CommandResult<TeamView>> AddMemberAsync(Actor actor, string userId);

    /// <summary>Removes a member (admin only).</summary>
    Task<CommandResult<TeamView>> RemoveMemberAsync(Actor actor, string userId);

    /// <summary>Whether the user belongs to the team (false when the team does not exist).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> IsMemberAsync(string userId);

    /// <summary>
    /// Tells the team that its quota on an instrument changed; the instrument grain calls it after it
    /// stored the quota (the quota's row is its one owner; the team keeps a copy for its view).
    /// </summary>
    [InternalOnly]
    Task QuotaChangedAsync(string instrumentId, int minutesPerMonth);
}
