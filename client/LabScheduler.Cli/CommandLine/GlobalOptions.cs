using System.CommandLine;

namespace LabScheduler.Cli.CommandLine;

/// <summary>The options every command accepts, before or after the command name.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Api { get; } = new("--api")
    {
        Description = "the gateway (default $LABSCHED_API, else the API of the stored login, else http://127.0.0.1:5080)",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print the API's JSON answers unchanged (lists: every page's items in one document; errors: the problem document)",
        Arity = ArgumentArity.Zero,
        Recursive = true,
    };

    public Option<string> Tz { get; } = new("--tz")
    {
        Description = "IANA zone for \"your time\" (default: the zone in your user profile)",
        HelpName = "ZONE",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Api, Json, Tz];
}
