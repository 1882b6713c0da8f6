using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Directory;
using LabScheduler.Persistence.Instruments;

namespace LabScheduler.Grains.Teams;

/// <summary>Grain state of a team.</summary>
public sealed class TeamState
{
    public TeamProfile? Profile { get; set; }

    public List<string> Members { get; set; } = [];
}

/// <inheritdoc cref="ITeamGrain"/>
public sealed class TeamGrain(
    [PersistentState("team", StorageNames.Default)] IPersistentState<TeamState> state,
    Auditor audit,
    DirectoryStore directory,
    InstrumentStore instruments) : Grain, ITeamGrain
{
    // The team's quotas as stored by the instruments they are on (their one owner), read at activation.
    private IReadOnlyDictionary<string, int> _quotas = new Dictionary<string, int>();

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Profile is not null)
        {
            _quotas = await instruments.QuotasOfTeamAsync(Id, cancellationToken);
        }
    }

    async Task<CommandResult<TeamView>> ITeamGrain.CreateAsync(Actor actor, TeamProfile profile)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("create teams");
        }

        if (state.State.Profile is not null)
        {
            return Checks.Exists("team", Id);
        }

        var problem = Checks.First(
            profile.Id == Id ? null : new Problem(ErrorCodes.Validation, "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.Name, "name"),
            Checks.Text(profile.Institution, "institution"),
            Checks.State(profile.MemberState, "memberState"));
        if (problem is not null)
        {
            return problem;
        }

        // The directory row first: a failed state write leaves a row lists skip, never a team lists miss.
        await directory.UpsertTeamAsync(Id, profile.Name);
        state.State.Profile = profile;
        await state.WriteStateAsync();
        await audit.RecordAsync(actor, "team", Id, "created", profile);
        return CommandResult<TeamView>.Ok(View(profile));
    }

    Task<TeamView?> ITeamGrain.GetAsync() =>
        Task.FromResult(state.State.Profile is { } profile ? View(profile) : null);

    Task<CommandResult<TeamView>> ITeamGrain.AddMemberAsync(Actor actor, string userId) => ChangeMembers(actor, userId, add: true);

    Task<CommandResult<TeamView>> ITeamGrain.RemoveMemberAsync(Actor actor, string userId) => ChangeMembers(actor, userId, add: false);

    Task<bool> ITeamGrain.IsMemberAsync(string userId) =>
        Task.FromResult(state.State.Profile is not null && state.State.Members.Contains(userId));

    Task ITeamGrain.QuotaChangedAsync(string instrumentId, int minutesPerMonth)
    {
        _quotas = new Dictionary<string, int>(_quotas) { [instrumentId] = minutesPerMonth };
        return Task.CompletedTask;
    }

    private async Task<CommandResult<TeamView>> ChangeMembers(Actor actor, string userId, bool add)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("change team members");
        }

        if (state.State.Profile is not { } profile)
        {
            return Checks.NotFound("team", Id);
        }

        if (Checks.Id(userId, "userId") is { } problem)
        {
            return problem;
        }

        var user = GrainFactory.GetGrain<IUserGrain>(userId);
        if (add && !(await user.GetAccessAsync()).Exists)
        {
            return Checks.NotFound("user", userId);
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

        // Told every time, so a retry after a failure between the two writes repairs the user's side.
        await user.SetTeamAsync(Id, add);
        if (changed)
        {
            await audit.RecordAsync(actor, "team", Id, add ? "member-added" : "member-removed", new { userId });
        }

        return CommandResult<TeamView>.Ok(View(profile));
    }

    private TeamView View(TeamProfile profile) => new()
    {
        Profile = profile,
        Members = [.. state.State.Members],
        Quotas = _quotas,
    };
}
