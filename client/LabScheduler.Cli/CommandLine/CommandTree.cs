using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using LabScheduler.Cli.Accounting;
using LabScheduler.Cli.Auth;
using LabScheduler.Cli.Availability;
using LabScheduler.Cli.Bookings;
using LabScheduler.Cli.Catalog;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Import;
using LabScheduler.Cli.Management;

namespace LabScheduler.Cli.CommandLine;

/// <summary>Every labsched command in one System.CommandLine tree, with the help text around the generated one.</summary>
internal static class CommandTree
{
    public static IEnumerable<CommandDef> Commands =>
    [
        .. AuthCommands.Definitions,
        .. CatalogCommands.Definitions,
        .. InstrumentCommands.Definitions,
        FreeCommand.Definition,
        SlotsCommand.Definition,
        .. HoursCommands.Definitions,
        .. BlackoutCommands.Definitions,
        .. BookingCommands.Definitions,
        SeriesCommands.Definition,
        WaitlistCommands.Definition,
        .. TeamCommands.Definitions,
        ReportCommands.Definition,
        AuditCommand.Definition,
        ImportCommand.Definition,
        CompletionCommand.Definition,
    ];

    public static RootCommand Build(GlobalOptions globals, IDictionary<Command, CommandDef> registry, TextWriter helpOutput)
    {
        var root = new RootCommand("labsched: the command line of LabScheduler (shared instruments of joint labs). It talks only to the LabScheduler HTTP API (/api/v1).")
        {
            // The same name in help wherever it runs from (a tool shim, dotnet labsched.dll, a test host).
            HelpName = "labsched",
        };
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        foreach (var definition in Commands)
        {
            root.Subcommands.Add(definition.Build(registry));
        }

        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction generated } help)
        {
            help.Action = new HelpWithDetails(generated, registry, helpOutput);
        }

        return root;
    }

    /// <summary>The words of the command after "labsched" (e.g. <c>series create</c>).</summary>
    public static string PathOf(CommandResult result)
    {
        var names = new List<string>();
        for (var command = result; command?.Parent is CommandResult parent; command = parent)
        {
            names.Add(command.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>System.CommandLine's help, then the command's details (the root's: environment, times, exit codes).</summary>
    private sealed class HelpWithDetails(HelpAction generated, IDictionary<Command, CommandDef> registry, TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exit = generated.Invoke(parseResult);
            Epilog(parseResult.CommandResult.Command, output, registry);
            return exit;
        }
    }

    private static bool Epilog(Command command, TextWriter output, IDictionary<Command, CommandDef> registry)
    {
        if (command is RootCommand)
        {
            output.WriteLine(RootEpilog);
            return true;
        }

        if (!registry.TryGetValue(command, out var definition) || definition.Details.Length == 0)
        {
            return false;
        }

        output.WriteLine("Details:");
        foreach (var line in definition.Details.TrimEnd().Split('\n'))
        {
            output.WriteLine("  " + line.TrimEnd('\r'));
        }

        output.WriteLine();
        return true;
    }

    private static string RootEpilog => $$"""
        Environment and files:
          {{Cli.ApiVariable}}      the API URL when --api is not given
          {{CredentialStore.ConfigVariable}}   the credentials file (default ~/.labsched/credentials.json, mode 600);
                            its token is sent only to the API it was issued for
          NO_COLOR          set: no colours in tables drawn on a terminal

        Output: tables on a terminal, plain aligned columns in a pipe or file, the API's JSON
        with --json (every page of a list in one {"items":[...],"next":null}).

        Times: instants carry an offset (2026-12-01T09:00:00+08:00 or ...Z); --local-* times have
        none and are read in the lab's zone; dates are yyyy-MM-dd; months yyyy-MM. Bookings are
        shown in the lab's zone and in yours (--tz, else your profile's).

        Errors go to stderr as 'error: <code>: <detail>' (the API's stable code), with one
        '  <field>: <message>' line per validation error. A 503 or a dropped connection is retried
        (POSTs that create something with the same Idempotency-Key).

        Exit codes:
          0  ok
          2  usage error: bad arguments (nothing was sent)
          3  validation: the API refused the input (400: validation, time.unknown-zone)
          4  auth: not signed in or not allowed (401/403: auth.*)
          5  not found (404: not-found)
          6  conflict (409: booking.conflict, conflict.exists, blackout.conflict,
             booking.invalid-transition, rules.conflict)
          7  refused by a rule (422: booking.*, quota.exceeded, time.*, idempotency.mismatch)
          8  server or network error (5xx, no answer, an answer that is not the JSON expected)
        import exits with the code of its first failed row.

        Tab completion: eval "$(labsched completion bash)" (or zsh) in your shell's profile.
        """;
}
