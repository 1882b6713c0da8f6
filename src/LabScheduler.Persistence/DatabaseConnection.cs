using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>
/// The connection string as components take it from configuration, and the only form of it that
/// may be logged. The password comes from the string or, better, from a file
/// (<c>Database__PasswordFile</c>, for example a mounted secret), never from the repository.
/// </summary>
public static class DatabaseConnection
{
    /// <summary>
    /// How long a silo's session may sit idle inside an open transaction before PostgreSQL ends it
    /// (<c>idle_in_transaction_session_timeout</c>): a silo paused mid-transaction (SIGSTOP, a frozen VM)
    /// cannot hold its locks (row locks of a booking write, seat rows) for longer.
    /// </summary>
    public const string IdleInTransactionTimeout = "10s";

    /// <summary>
    /// <paramref name="connectionString"/> with <c>idle_in_transaction_session_timeout</c> set for every
    /// session (in the startup packet's options), unless the string sets it already.
    /// </summary>
    public static string WithSiloSessionSettings(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.Ordinal) == true)
        {
            return connectionString;
        }

        builder.Options = $"{builder.Options} -c idle_in_transaction_session_timeout={IdleInTransactionTimeout}".Trim();
        return builder.ConnectionString;
    }

    /// <summary>The configuration key of the password file, relative to the root.</summary>
    public const string PasswordFileKey = "Database:PasswordFile";

    /// <summary><paramref name="connectionString"/> with the password read from <paramref name="passwordFile"/> when one is given (one line, trailing newline dropped).</summary>
    public static string WithPasswordFile(string connectionString, string? passwordFile)
    {
        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            return connectionString;
        }

        var password = File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        return new NpgsqlConnectionStringBuilder(connectionString) { Password = password }.ConnectionString;
    }

    /// <summary>The connection string fit for a log: no password, no SSL key password.</summary>
    public static string Redact(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return "(a connection string that does not parse)";
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = "***";
        }

        if (!string.IsNullOrEmpty(builder.SslPassword))
        {
            builder.SslPassword = "***";
        }

        return builder.ConnectionString;
    }
}
