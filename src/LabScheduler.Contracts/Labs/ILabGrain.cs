using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;

namespace LabScheduler.Contracts.Labs;

/// <summary>A joint lab (key: lab id). Calls go lab to instrument and user, never back.</summary>
public interface ILabGrain : IGrainWithStringKey
{
    /// <summary>Creates the lab (admin only); conflict.exists when the id is taken.</summary>
    Task<CommandResult<LabView>> CreateAsync(Actor actor, LabProfile profile);

    /// <summary>The lab, or null when no such lab exists. Anyone signed in may read it.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<LabView?> GetAsync();

    /// <summary>Makes a user a manager of this lab (admin only).</summary>
    Task<CommandResult<LabView>> AddManagerAsync(Actor actor, string userId);

    /// <summary>Removes a manager (admin only).</summary>
    Task<CommandResult<LabView>> RemoveManagerAsync(Actor actor, string userId);

    /// <summary>Creates an instrument in this lab, in the lab's time zone (its managers, admin).</summary>
    Task<CommandResult<InstrumentView>> AddInstrumentAsync(Actor actor, InstrumentDefinition definition);
}
