using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Teams;
using LabScheduler.Grains.Common;

namespace LabScheduler.Grains.Teams;

/// <summary>Grain state of a team.</summary>
public sealed class TeamState
{
    public TeamProfile? Profile { get; set; }

    public List<string> Members { get; set; } = [];
}

/// <inheritdoc cref="ITeamGrain"/>
public sealed class TeamGrain(
    [PersistentState("team", StorageNames.Default)] IPersistentState<TeamState> state) : Grain, ITeamGrain
{
    async Task<CommandResult<TeamView>> ITeamGrain.CreateAsync(TeamProfile profile)
    {
        var id = this.GetPrimaryKeyString();
        if (state.State.Profile is not null)
        {
            return Checks.Exists("team", id);
        }

        var problem = Checks.First(
            profile.Id == id ? null : new Problem("validation", "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.Name, "name"),
            Checks.Text(profile.Institution, "institution"),
            Checks.State(profile.MemberState, "memberState"));
        if (problem is not null)
        {
            return problem;
        }

        state.State.Profile = profile;
        await state.WriteStateAsync();
        return CommandResult<TeamView>.Ok(View(profile));
    }

    Task<TeamView?> ITeamGrain.GetAsync() =>
        Task.FromResult(state.State.Profile is { } profile ? View(profile) : null);

    Task<CommandResult<TeamView>> ITeamGrain.AddMemberAsync(string userId) => ChangeMembers(userId, add: true);

    Task<CommandResult<TeamView>> ITeamGrain.RemoveMemberAsync(string userId) => ChangeMembers(userId, add: false);

    Task<bool> ITeamGrain.IsMemberAsync(string userId) =>
        Task.FromResult(state.State.Profile is not null && state.State.Members.Contains(userId));

    private async Task<CommandResult<TeamView>> ChangeMembers(string userId, bool add)
    {
        if (state.State.Profile is not { } profile)
        {
            return Checks.NotFound("team", this.GetPrimaryKeyString());
        }

        if (Checks.Id(userId, "userId") is { } problem)
        {
            return problem;
        }

        var changed = add ? !state.State.Members.Contains(userId) : state.State.Members.Remove(userId);
        if (changed)
        {
            if (add)
            {
                state.State.Members.Add(userId);
            }

            await state.WriteStateAsync();
        }

        return CommandResult<TeamView>.Ok(View(profile));
    }

    private TeamView View(TeamProfile profile) => new() { Profile = profile, Members = [.. state.State.Members] };
}
