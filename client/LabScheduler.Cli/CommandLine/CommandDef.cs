using System.CommandLine;

namespace LabScheduler.Cli.CommandLine;

/// <summary>
/// One labsched command as declared by its feature folder: name, one-line summary, arguments, options,
/// longer help text and what it runs. <see cref="Build"/> turns it into a System.CommandLine command,
/// which does the parsing, the help and the tab completion.
/// </summary>
internal sealed class CommandDef(string name, string summary, Func<CliContext, ParsedCommand, Task<int>>? run = null)
{
    private readonly List<Argument> _arguments = [];
    private readonly List<Option> _options = [];
    private readonly List<CommandDef> _children = [];

    public string Name { get; } = name;

    public string Summary { get; } = summary;

    /// <summary>Printed after the generated help: the endpoint it calls, formats, examples.</summary>
    public string Details { get; private set; } = "";

    public Func<CliContext, ParsedCommand, Task<int>>? Run { get; } = run;

    public IReadOnlyList<CommandDef> Children => _children;

    /// <summary>A positional argument; <paramref name="many"/> takes one or more (or zero or more when not required).</summary>
    public CommandDef Arg(string argName, string description, bool required = true, bool many = false, params string[] choices)
    {
        Argument argument = many
            ? new Argument<string[]>(argName) { Description = description, Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore }
            : new Argument<string>(argName) { Description = description, Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne };
        if (choices.Length > 0)
        {
            argument.CompletionSources.Add(choices);
            argument.Validators.Add(result => Choose(result, argName, choices));
        }

        _arguments.Add(argument);
        return this;
    }

    /// <summary>An option with one value; <paramref name="choices"/> are completed and checked.</summary>
    public CommandDef Value(string optionName, string valueName, string description, bool required = false, params string[] choices)
    {
        var option = new Option<string>(optionName) { Description = description, HelpName = valueName, Required = required };
        if (choices.Length > 0)
        {
            option.AcceptOnlyFromAmong(choices);
        }

        _options.Add(option);
        return this;
    }

    /// <summary>An option that may be given several times (<c>--set a=1 --set b=2</c>).</summary>
    public CommandDef Values(string optionName, string valueName, string description)
    {
        _options.Add(new Option<string[]>(optionName) { Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false });
        return this;
    }

    public CommandDef Flag(string optionName, string description)
    {
        _options.Add(new Option<bool>(optionName) { Description = description, Arity = ArgumentArity.Zero });
        return this;
    }

    public CommandDef Help(string details)
    {
        Details = details;
        return this;
    }

    public CommandDef Sub(params CommandDef[] children)
    {
        _children.AddRange(children);
        return this;
    }

    /// <summary>The System.CommandLine command; <paramref name="registry"/> learns which definition each command came from.</summary>
    public Command Build(IDictionary<Command, CommandDef> registry)
    {
        var command = new Command(Name, Summary);
        foreach (var argument in _arguments)
        {
            command.Arguments.Add(argument);
        }

        foreach (var option in _options)
        {
            command.Options.Add(option);
        }

        foreach (var child in _children)
        {
            command.Subcommands.Add(child.Build(registry));
        }

        if (Run is not null)
        {
            // Marks the command as runnable (so a group with its own action, such as "instrument ID",
            // needs no subcommand); Cli runs the definition itself, with its context.
            command.Action = RunsDefinition.Instance;
        }

        registry[command] = this;
        return command;
    }

    /// <summary>The action of every runnable labsched command; Cli.RunAsync recognises it and runs <see cref="Run"/>.</summary>
    internal sealed class RunsDefinition : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public static readonly RunsDefinition Instance = new();

        public override int Invoke(ParseResult parseResult) => ExitCodes.Usage;
    }

    private static void Choose(System.CommandLine.Parsing.ArgumentResult result, string argName, string[] choices)
    {
        foreach (var token in result.Tokens)
        {
            if (!choices.Contains(token.Value, StringComparer.Ordinal))
            {
                result.AddError($"<{argName}> '{token.Value}' is not one of {string.Join(", ", choices)}");
            }
        }
    }
}
