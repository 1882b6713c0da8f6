using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Grains.Labs;

/// <summary>Grain state of a lab (changed as a copy: see <see cref="StoredState{T}"/>).</summary>
public sealed record LabState
{
    public LabProfile? Profile { get; set; }

    public List<string> Managers { get; set; } = [];

    public List<string> Instruments { get; set; } = [];
}

/// <inheritdoc cref="ILabGrain"/>
public sealed class LabGrain(
    [PersistentState("lab", StorageNames.Default)] IPersistentState<LabState> state,
    Auditor audit,
    IGrainContext grain,
    ILogger<LabGrain> logger) : Grain, ILabGrain
{
    private readonly StoredState<LabState> _stored = new(state, grain, logger);

    private string Id => this.GetPrimaryKeyString();

    async Task<CommandResult<LabView>> ILabGrain.CreateAsync(Actor actor, LabProfile profile)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("create labs");
        }

        if (_stored.State.Profile is not null)
        {
            return Checks.Exists("lab", Id);
        }

        var problem = Checks.First(
            profile.Id == Id ? null : new Problem(ErrorCodes.Validation, "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.Name, "name"),
            Checks.Text(profile.HostInstitution, "hostInstitution"),
            Checks.State(profile.MemberState, "memberState"),
            Checks.Zone(profile.TimeZone),
            Checks.First([.. profile.PartnerStates.Select(s => Checks.State(s, "partnerStates"))]));
        if (problem is not null)
        {
            return problem;
        }

        if (await _stored.WriteAsync(_stored.State with { Profile = profile }) is { } notStored)
        {
            return notStored;
        }

        await audit.RecordAsync(actor, "lab", Id, "created", profile);
        await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).UpsertLabAsync(new LabEntry { Id = Id, MemberState = profile.MemberState });
        return CommandResult<LabView>.Ok(View(profile));
    }

    Task<LabView?> ILabGrain.GetAsync() =>
        Task.FromResult(_stored.State.Profile is { } profile ? View(profile) : null);

    Task<CommandResult<LabView>> ILabGrain.AddManagerAsync(Actor actor, string userId) => ChangeManagers(actor, userId, add: true);

    Task<CommandResult<LabView>> ILabGrain.RemoveManagerAsync(Actor actor, string userId) => ChangeManagers(actor, userId, add: false);

    async Task<CommandResult<InstrumentView>> ILabGrain.AddInstrumentAsync(Actor actor, InstrumentDefinition definition)
    {
        if (_stored.State.Profile is not { } profile)
        {
            return Checks.NotFound("lab", Id);
        }

        if (!(await Rights.OfAsync(GrainFactory, actor)).Manages(Id))
        {
            return Rights.ManagersOnly(Id, "add instruments");
        }

        var created = await GrainFactory.GetGrain<IInstrumentGrain>(definition.Id).InitializeAsync(definition, Placement(profile));
        if (created.IsSuccess)
        {
            await audit.RecordAsync(actor, "instrument", definition.Id, "created", new { labId = Id, definition.Name, definition.Category, definition.Currency, definition.Rates, definition.Rules });
        }

        if (created.IsSuccess && !_stored.State.Instruments.Contains(definition.Id)
            && await _stored.WriteAsync(_stored.State with { Instruments = [.. _stored.State.Instruments, definition.Id] }) is { } notStored)
        {
            return notStored;
        }

        return created;
    }

    private Task<CommandResult<LabView>> ChangeManagers(Actor actor, string userId, bool add) =>
        Membership.LabManagers.ChangeAsync(GrainFactory, audit, actor, Id, userId, add,
            _stored.State.Profile, _stored.State.Managers, managers => _stored.WriteAsync(_stored.State with { Managers = managers }), View);

    private LabPlacement Placement(LabProfile profile) => new()
    {
        LabId = Id,
        TimeZone = profile.TimeZone,
        MemberState = profile.MemberState,
        PartnerStates = profile.PartnerStates,
    };

    private LabView View(LabProfile profile) => new()
    {
        Profile = profile,
        Managers = [.. _stored.State.Managers],
        Instruments = [.. _stored.State.Instruments],
    };
}
