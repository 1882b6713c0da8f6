namespace LabScheduler.Contracts.Common;

/// <summary>
/// A grain call failed because PostgreSQL could not be reached (down, restarting, the connection cut).
/// It stands in for the Npgsql exception, which Orleans cannot carry back to the caller: the gateway
/// answers 503 <c>unavailable</c> for it, not 500.
/// </summary>
[GenerateSerializer, Alias("ls.DatabaseUnavailableException")]
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException()
    {
    }

    public DatabaseUnavailableException(string message)
        : base(message)
    {
    }

    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
