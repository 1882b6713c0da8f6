using LabScheduler.Contracts.Common;
using LabScheduler.Persistence.Audit;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Grains.Common;

/// <summary>
/// Records committed changes in the audit log. A failure to record is logged loudly but does not
/// turn a committed change into an error for its caller.
/// </summary>
public sealed partial class Auditor(AuditLog log, ILogger<Auditor> logger)
{
    public async Task RecordAsync(Actor actor, string entity, string entityId, string action, object? details = null)
    {
        try
        {
            await log.AppendAsync(actor.UserId, entity, entityId, action, details);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            LogNotRecorded(logger, e, actor.UserId, entity, entityId, action);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record lost: {Actor} {Action} {Entity} {EntityId}")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string actor, string entity, string entityId, string action);
}
