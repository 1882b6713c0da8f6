namespace LabScheduler.Cli.CommandLine;

/// <summary>The command line itself is wrong (exit code 2); nothing was sent to the API.</summary>
public sealed class UsageException(string message) : Exception(message);
