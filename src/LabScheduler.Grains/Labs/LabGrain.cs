using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;

namespace LabScheduler.Grains.Labs;

/// <summary>Grain state of a lab.</summary>
public sealed class LabState
{
    public LabProfile? Profile { get; set; }

    public List<string> Managers { get; set; } = [];

    public List<string> Instruments { get; set; } = [];
}

/// <inheritdoc cref="ILabGrain"/>
public sealed class LabGrain(
    [PersistentState("lab", StorageNames.Default)] IPersistentState<LabState> state) : Grain, ILabGrain
{
    async Task<CommandResult<LabView>> ILabGrain.CreateAsync(LabProfile profile)
    {
        var id = this.GetPrimaryKeyString();
        if (state.State.Profile is not null)
        {
            return Checks.Exists("lab", id);
        }

        var problem = Checks.First(
            profile.Id == id ? null : new Problem(ErrorCodes.Validation, "The profile's id is not the grain's."),
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

        state.State.Profile = profile;
        await state.WriteStateAsync();
        return CommandResult<LabView>.Ok(View(profile));
    }

    Task<LabView?> ILabGrain.GetAsync() =>
        Task.FromResult(state.State.Profile is { } profile ? View(profile) : null);

    Task<CommandResult<LabView>> ILabGrain.AddManagerAsync(string userId) => ChangeManagers(userId, add: true);

    Task<CommandResult<LabView>> ILabGrain.RemoveManagerAsync(string userId) => ChangeManagers(userId, add: false);

    async Task<CommandResult<InstrumentView>> ILabGrain.AddInstrumentAsync(InstrumentDefinition definition)
    {
        if (state.State.Profile is not { } profile)
        {
            return Checks.NotFound("lab", this.GetPrimaryKeyString());
        }

        var created = await GrainFactory.GetGrain<IInstrumentGrain>(definition.Id)
            .InitializeAsync(definition, profile.Id, profile.TimeZone);
        if (created.IsSuccess && !state.State.Instruments.Contains(definition.Id))
        {
            state.State.Instruments.Add(definition.Id);
            await state.WriteStateAsync();
        }

        return created;
    }

    private async Task<CommandResult<LabView>> ChangeManagers(string userId, bool add)
    {
        if (state.State.Profile is not { } profile)
        {
            return Checks.NotFound("lab", this.GetPrimaryKeyString());
        }

        if (Checks.Id(userId, "userId") is { } problem)
        {
            return problem;
        }

        var changed = add ? !state.State.Managers.Contains(userId) : state.State.Managers.Remove(userId);
        if (changed)
        {
            if (add)
            {
                state.State.Managers.Add(userId);
            }

            await state.WriteStateAsync();
        }

        return CommandResult<LabView>.Ok(View(profile));
    }

    private LabView View(LabProfile profile) => new()
    {
        Profile = profile,
        Managers = [.. state.State.Managers],
        Instruments = [.. state.State.Instruments],
    };
}
