using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;

namespace LabScheduler.Grains.Users;

/// <summary>Grain state of a user.</summary>
public sealed class UserState
{
    public UserProfile? Profile { get; set; }

    public List<string> Teams { get; set; } = [];

    public List<string> ManagedLabs { get; set; } = [];
}

/// <inheritdoc cref="IUserGrain"/>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state) : Grain, IUserGrain
{
    private string Id => this.GetPrimaryKeyString();

    async Task<CommandResult<UserView>> IUserGrain.CreateAsync(Actor actor, UserProfile profile)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("create users");
        }

        if (state.State.Profile is not null)
        {
            return Checks.Exists("user", Id);
        }

        var problem = Checks.First(
            profile.Id == Id ? null : new Problem(ErrorCodes.Validation, "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.DisplayName, "displayName"),
            Checks.Email(profile.Email),
            Checks.Zone(profile.TimeZone),
            Checks.State(profile.MemberState, "memberState"),
            profile.Roles.All(r => r == UserRoles.Admin) ? null : new Problem(ErrorCodes.Validation, "roles may only contain \"admin\"."));
        if (problem is not null)
        {
            return problem;
        }

        state.State.Profile = profile;
        await state.WriteStateAsync();
        return CommandResult<UserView>.Ok(View(profile));
    }

    async Task<CommandResult<UserView>> IUserGrain.GetAsync(Actor actor)
    {
        if (actor.UserId != Id && !(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the user and administrators may read a user.");
        }

        return state.State.Profile is { } profile ? CommandResult<UserView>.Ok(View(profile)) : Checks.NotFound("user", Id);
    }

    Task<UserProfile?> IUserGrain.GetProfileAsync() => Task.FromResult(state.State.Profile);

    Task<Access> IUserGrain.GetAccessAsync() => Task.FromResult(new Access
    {
        UserId = Id,
        Exists = state.State.Profile is not null,
        IsAdmin = state.State.Profile?.IsAdmin == true,
        Teams = [.. state.State.Teams],
        ManagedLabs = [.. state.State.ManagedLabs],
    });

    Task IUserGrain.SetTeamAsync(string teamId, bool member) => SetMembership(state.State.Teams, teamId, member);

    Task IUserGrain.SetManagedLabAsync(string labId, bool manages) => SetMembership(state.State.ManagedLabs, labId, manages);

    private async Task SetMembership(List<string> list, string id, bool present)
    {
        var changed = present ? !list.Contains(id) : list.Remove(id);
        if (!changed)
        {
            return;
        }

        if (present)
        {
            list.Add(id);
        }

        await state.WriteStateAsync();
    }

    private UserView View(UserProfile profile) => new()
    {
        Profile = profile,
        Teams = [.. state.State.Teams],
        ManagedLabs = [.. state.State.ManagedLabs],
    };
}
