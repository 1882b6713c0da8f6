using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Directory;
using LabScheduler.Persistence.Instruments;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Grains.Teams;

/// <summary>Grain state of a team (changed as a copy: see <see cref="StoredState{T}"/>).</summary>
public sealed record TeamState
{
    public TeamProfile? Profile { get; set; }

    public List<string> Members { get; set; } = [];
}

/// <inheritdoc cref="ITeamGrain"/>
public sealed class TeamGrain(
    [PersistentState("team", StorageNames.Default)] IPersistentState<TeamState> state,
    Auditor audit,
    DirectoryStore directory,
    InstrumentStore instruments,
    IGrainContext grain,
    ILogger<TeamGrain> logger) : Grain, ITeamGrain
{
    // Membership and profile changes go through it, and the always-interleaved membership check reads it.
    private readonly StoredState<TeamState> _stored = new(state, grain, logger);

    // The team's quotas as stored by the instruments they are on (their one owner), read at activation.
    private IReadOnlyDictionary<string, int> _quotas = new Dictionary<string, int>();

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_stored.State.Profile is not null)
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

        if (_stored.State.Profile is not null)
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
        if (await _stored.WriteAsync(_stored.State with { Profile = profile }) is { } notStored)
        {
            return notStored;
        }

        await audit.RecordAsync(actor, "team", Id, "created", profile);
        return CommandResult<TeamView>.Ok(View(profile));
    }

    Task<TeamView?> ITeamGrain.GetAsync() =>
        Task.FromResult(_stored.State.Profile is { } profile ? View(profile) : null);

    Task<CommandResult<TeamView>> ITeamGrain.AddMemberAsync(Actor actor, string userId) => ChangeMembers(actor, userId, add: true);

    Task<CommandResult<TeamView>> ITeamGrain.RemoveMemberAsync(Actor actor, string userId) => ChangeMembers(actor, userId, add: false);

    Task<bool> ITeamGrain.IsMemberAsync(string userId) =>
        Task.FromResult(_stored.State is { Profile: not null } stored && stored.Members.Contains(userId));

    Task ITeamGrain.QuotaChangedAsync(string instrumentId, int minutesPerMonth)
    {
        _quotas = new Dictionary<string, int>(_quotas) { [instrumentId] = minutesPerMonth };
        return Task.CompletedTask;
    }

    private Task<CommandResult<TeamView>> ChangeMembers(Actor actor, string userId, bool add) =>
        Membership.TeamMembers.ChangeAsync(GrainFactory, audit, actor, Id, userId, add,
            _stored.State.Profile, _stored.State.Members, members => _stored.WriteAsync(_stored.State with { Members = members }), View);

    private TeamView View(TeamProfile profile) => new()
    {
        Profile = profile,
        Members = [.. _stored.State.Members],
        Quotas = _quotas,
    };
}
