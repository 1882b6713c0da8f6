namespace LabScheduler.Cli.CommandLine;

/// <summary>The options every command accepts, before or after the command name.</summary>
internal static class GlobalOptions
{
    public const string Api = "--api";
    public const string Tz = "--tz";
    public const string Json = "--json";
    public const string Help = "--help";
    public const string Version = "--version";

    public static readonly IReadOnlyList<string> Values = [Api, Tz];

    public static readonly IReadOnlyList<string> Flags = [Json, Help, Version];
}
