using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>A silo's own row in Orleans' membership table: cluster (deployment) id, address, port and generation.</summary>
public sealed record SiloIdentity(string DeploymentId, string Address, int Port, int Generation);

/// <summary>
/// The writer fence (migration 0035): a statement that goes first in every booking write's transaction
/// and fails it (<see cref="WriterFencedException"/>) unless this silo's membership row still says it may
/// own activations. A silo declared dead while paused cannot write after it resumes: its activations
/// live elsewhere by then.
/// </summary>
/// <remarks>
/// The silo's identity is known only once Orleans has built its <c>ILocalSiloDetails</c>; it is read on
/// the first write and kept (an address and generation never change within a process).
/// </remarks>
public sealed class WriterFence(Func<SiloIdentity> identity)
{
    /// <summary>The SQLSTATE <c>labsched_writer_fence</c> raises.</summary>
    public const string SqlState = "LSF01";

    private readonly Lazy<SiloIdentity> _identity = new(identity);

    public SiloIdentity Identity => _identity.Value;

    /// <summary>The fence statement (one row, one bigint: 1) for a batch.</summary>
    public NpgsqlBatchCommand Command()
    {
        var command = new NpgsqlBatchCommand("SELECT labsched_writer_fence(@fenceDeployment, @fenceAddress, @fencePort, @fenceGeneration)");
        var silo = Identity;
        command.Parameters.AddWithValue("fenceDeployment", silo.DeploymentId);
        command.Parameters.AddWithValue("fenceAddress", silo.Address);
        command.Parameters.AddWithValue("fencePort", silo.Port);
        command.Parameters.AddWithValue("fenceGeneration", silo.Generation);
        return command;
    }

    /// <summary>The fence's refusal as the typed exception (null for any other failure).</summary>
    public static WriterFencedException? Refusal(Exception e) =>
        e is PostgresException { SqlState: SqlState } postgres ? new WriterFencedException(postgres.MessageText, postgres) : null;
}

/// <summary>
/// A write refused by the <see cref="WriterFence"/>: this silo is no longer an active member of the
/// cluster (declared dead, or not yet joined), so nothing was written. The caller's answer is 503
/// <c>unavailable</c> (see <see cref="DatabaseOutage"/>); a retry reaches the grain's new activation.
/// </summary>
public sealed class WriterFencedException : Exception
{
    public WriterFencedException()
    {
    }

    public WriterFencedException(string message)
        : base(message)
    {
    }

    public WriterFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
