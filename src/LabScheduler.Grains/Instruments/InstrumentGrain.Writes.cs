using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Writes whose outcome is unknown: memory never drifts from storage. A booking write that fails in
/// any way other than a classified refusal (the connection dropped, perhaps after the commit) makes
/// the grain read its calendar back from the table before it answers, or deactivate when even that
/// fails; the caller is told 503 <c>unavailable</c>, and a retry with the same Idempotency-Key (the
/// same booking id) finds the booking if it was committed.
/// </remarks>
public sealed partial class InstrumentGrain
{
    /// <summary>The write's outcome, or null when it is unknown (memory has been re-read from storage then).</summary>
    private async Task<WriteOutcome?> WriteAsync(Func<Task<WriteOutcome>> write)
    {
        try
        {
            return await write();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            LogUnknownOutcome(logger, e, Id);
            try
            {
                await ReloadCalendarAsync(CancellationToken.None);
            }
            catch (Exception reload) when (reload is not OutOfMemoryException)
            {
                // Memory may be wrong and storage cannot tell us now: start afresh at the next call.
                LogReloadFailed(logger, reload, Id);
                DeactivateOnIdle();
            }

            return null;
        }
    }

    /// <summary>
    /// Stores a settings change (the caller swaps memory only after it returns null). A write that
    /// fails makes the grain read its settings back, or deactivate when even that fails, and the
    /// caller is told 503 <c>unavailable</c>: nothing that was not confirmed is in force.
    /// </summary>
    private async Task<Problem?> StoreSettingAsync(Func<Task> write)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            LogUnknownSettingsOutcome(logger, e, Id);
            try
            {
                await ReloadSettingsAsync();
            }
            catch (Exception reload) when (reload is not OutOfMemoryException)
            {
                LogReloadFailed(logger, reload, Id);
                DeactivateOnIdle();
            }

            return new Problem(ErrorCodes.Unavailable, "The database did not confirm the change; it is not in force. Try again.");
        }
    }

    /// <summary>Reads the settings, sign-offs, quotas and recent blackouts back from their tables, and swaps them in at once.</summary>
    private async Task ReloadSettingsAsync()
    {
        var row = await instruments.LoadAsync(Id);
        var authorized = (await instruments.AuthorizedUsersAsync(Id)).ToHashSet();
        var quotas = await instruments.QuotasOnAsync(Id);
        var from = Now() - BlackoutMemory;
        var blackouts = await instruments.BlackoutsAsync(Id, new Interval(from, Instant.MaxValue));
        (_row, _authorized, _quotas, _blackouts, _blackoutsFrom) = (row, authorized, quotas, blackouts, from);
    }

    private static Problem UnknownOutcome() => new(ErrorCodes.Unavailable,
        "The database did not confirm the change; retry with the same Idempotency-Key: if it was stored, the retry finds it.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {InstrumentId}: a booking write's outcome is unknown; reloading the calendar")]
    private static partial void LogUnknownOutcome(ILogger logger, Exception exception, string instrumentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {InstrumentId}: a settings write's outcome is unknown; reloading the settings")]
    private static partial void LogUnknownSettingsOutcome(ILogger logger, Exception exception, string instrumentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instrument {InstrumentId}: reloading the calendar failed too; deactivating")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string instrumentId);
}
