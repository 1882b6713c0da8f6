using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Grains.Common;

/// <summary>
/// A grain's persistent state that changes only by copy, change the copy, write, swap, so memory
/// never runs ahead of storage. <see cref="State"/> is what storage holds: while a write is in flight
/// it is still the state before it (what an always-interleaved access check then reads), and a write
/// that fails leaves it as it was. A failed write may have been stored after all (the connection lost
/// after the commit), so the grain also deactivates once idle: its next activation reads storage.
/// </summary>
/// <remarks>Change the copy, never <see cref="State"/> itself: replace lists rather than add to them.</remarks>
internal sealed partial class StoredState<T>(IPersistentState<T> storage, IGrainContext grain, ILogger logger)
    where T : class
{
    private T? _beforeWrite;

    /// <summary>The state as stored (during a write, the state before it).</summary>
    public T State => _beforeWrite ?? storage.State;

    /// <summary>The answer to a change whose state write failed.</summary>
    public static Problem NotStored { get; } = new(ErrorCodes.Unavailable, "The change could not be stored and was not made; try again.");

    /// <summary>
    /// Stores <paramref name="changed"/>, a changed copy of <see cref="State"/>, and makes it the state;
    /// null when stored, else <see cref="NotStored"/> with the state as it was.
    /// </summary>
    public async Task<Problem?> WriteAsync(T changed)
    {
        var before = storage.State;
        _beforeWrite = before;
        storage.State = changed;
        try
        {
            await storage.WriteStateAsync();
            return null;
        }
        catch (Exception e)
        {
            storage.State = before;
            LogNotStored(logger, e, grain.GrainId);
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "A state write failed; storage may hold what memory does not."));
            if (e is OutOfMemoryException)
            {
                throw;
            }

            return NotStored;
        }
        finally
        {
            _beforeWrite = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainId}: a state write failed; the change is not made and the grain deactivates")]
    private static partial void LogNotStored(ILogger logger, Exception exception, GrainId grainId);
}
