using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;

namespace LabScheduler.Contracts.Labs;

/// <summary>A joint lab (key: lab id). Calls go lab to instrument, never back.</summary>
public interface ILabGrain : IGrainWithStringKey
{
    /// <summary>Creates the lab; conflict.exists when it exists with another profile.</summary>
    Task<CommandResult<LabView>> CreateAsync(LabProfile profile);

    /// <summary>The lab, or null when no such lab exists.</summary>
    Task<LabView?> GetAsync();

    /// <summary>Makes a user a manager of this lab.</summary>
    Task<CommandResult<LabView>> AddManagerAsync(string userId);

    /// <summary>Removes a manager.</summary>
    Task<CommandResult<LabView>> RemoveManagerAsync(string userId);

    /// <summary>Creates an instrument in this lab, in the lab's time zone.</summary>
    Task<CommandResult<InstrumentView>> AddInstrumentAsync(InstrumentDefinition definition);
}
