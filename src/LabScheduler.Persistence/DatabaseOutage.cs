using LabScheduler.Contracts.Common;
using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>Tells a database outage from a bug.</summary>
public static class DatabaseOutage
{
    /// <summary>
    /// PostgreSQL down, restarting or unreachable, here or in a silo (whose failure arrives as a
    /// <see cref="DatabaseUnavailableException"/>, or as the Npgsql exception itself, wrapped): what
    /// Npgsql calls transient, a failure of the connection itself (not an error the server reported),
    /// or the server shutting down or ending the connection (SQLSTATE classes 57P and 08). A statement's
    /// own error (a constraint, a syntax error) is not. A write the <see cref="WriterFence"/> refused
    /// (this silo is no longer an active member of the cluster) counts too: a retry reaches the grain's
    /// new activation on another silo.
    /// </summary>
    public static bool Is(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DatabaseUnavailableException or WriterFencedException or NpgsqlException { IsTransient: true }
                || (inner is NpgsqlException and not PostgresException)
                || (inner is PostgresException postgres && IsShutdownOrConnection(postgres.SqlState ?? postgres.Message)))
            {
                return true;
            }

            if (inner is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
            {
                return true;
            }
        }

        return false;
    }

    // One that crossed from a silo keeps its message ("57P03: the database system is shutting down"), not its SqlState.
    private static bool IsShutdownOrConnection(string? state) =>
        state is not null && (state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("08", StringComparison.Ordinal));
}
