using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Grains.Common;

namespace LabScheduler.Grains.Users;

/// <summary>Grain state of a user.</summary>
public sealed class UserState
{
    public UserProfile? Profile { get; set; }
}

/// <inheritdoc cref="IUserGrain"/>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state) : Grain, IUserGrain
{
    async Task<CommandResult<UserProfile>> IUserGrain.CreateAsync(UserProfile profile)
    {
        var id = this.GetPrimaryKeyString();
        if (state.State.Profile is not null)
        {
            return Checks.Exists("user", id);
        }

        var problem = Checks.First(
            profile.Id == id ? null : new Problem("validation", "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.DisplayName, "displayName"),
            Checks.Text(profile.Email, "email", 320),
            Checks.Zone(profile.TimeZone),
            Checks.State(profile.MemberState, "memberState"));
        if (problem is not null)
        {
            return problem;
        }

        state.State.Profile = profile;
        await state.WriteStateAsync();
        return CommandResult<UserProfile>.Ok(profile);
    }

    Task<UserProfile?> IUserGrain.GetAsync() => Task.FromResult(state.State.Profile);
}
