using LabScheduler.Contracts.Common;

namespace LabScheduler.Contracts.Teams;

/// <summary>A research team (key: team id): members, and later quotas.</summary>
public interface ITeamGrain : IGrainWithStringKey
{
    /// <summary>Creates the team; conflict.exists when it exists with another profile.</summary>
    Task<CommandResult<TeamView>> CreateAsync(TeamProfile profile);

    /// <summary>The team, or null when no such team exists.</summary>
    Task<TeamView?> GetAsync();

    /// <summary>Adds a member.</summary>
    Task<CommandResult<TeamView>> AddMemberAsync(string userId);

    /// <summary>Removes a member.</summary>
    Task<CommandResult<TeamView>> RemoveMemberAsync(string userId);

    /// <summary>Whether the user belongs to the team (false when the team does not exist).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<bool> IsMemberAsync(string userId);
}
