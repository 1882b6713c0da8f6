namespace LabScheduler.Cli.CommandLine;

/// <summary>
/// A command line split into the command, its positionals, option values and flags. Options are
/// <c>--name value</c> or <c>--name=value</c>; <c>--</c> ends the options; <c>-h</c> is <c>--help</c>.
/// </summary>
internal sealed class ParsedCommand
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _flags;

    private ParsedCommand(CommandSpec? spec, IReadOnlyList<string> positionals, Dictionary<string, string> values, HashSet<string> flags)
    {
        Spec = spec;
        Positionals = positionals;
        _values = values;
        _flags = flags;
    }

    /// <summary>The command, or null when the line names none (only global options).</summary>
    public CommandSpec? Spec { get; }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public string Required(string option) =>
        Value(option) ?? throw new UsageException($"{option} is required");

    public string Positional(int index) => Positionals[index];

    /// <summary>Splits <paramref name="args"/>; <paramref name="find"/> looks a command name up.</summary>
    public static ParsedCommand Parse(IReadOnlyList<string> args, Func<string, CommandSpec?> find)
    {
        CommandSpec? spec = null;
        var positionals = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var optionsEnded = false;

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!optionsEnded && token == "--")
            {
                optionsEnded = true;
                continue;
            }

            if (optionsEnded || !IsOption(token))
            {
                if (spec is null)
                {
                    spec = find(token) ?? throw new UsageException($"unknown command '{token}' (see 'labsched --help')");
                }
                else
                {
                    positionals.Add(token);
                }

                continue;
            }

            var (name, inline) = Split(token);
            if (GlobalOptions.Values.Contains(name) || spec?.ValueOptions.Contains(name) == true)
            {
                var value = inline;
                if (value is null)
                {
                    if (i + 1 >= args.Count || IsOption(args[i + 1]))
                    {
                        throw new UsageException($"{name} needs a value");
                    }

                    value = args[++i];
                }

                if (!values.TryAdd(name, value))
                {
                    throw new UsageException($"{name} is given twice");
                }
            }
            else if (GlobalOptions.Flags.Contains(name) || spec?.Flags.Contains(name) == true)
            {
                if (inline is not null)
                {
                    throw new UsageException($"{name} takes no value");
                }

                flags.Add(name);
            }
            else
            {
                throw new UsageException(spec is null
                    ? $"unknown option '{name}' (see 'labsched --help')"
                    : $"unknown option '{name}' for '{spec.Name}'");
            }
        }

        if (spec is not null && !flags.Contains(GlobalOptions.Help))
        {
            if (positionals.Count < spec.RequiredPositionals)
            {
                throw new UsageException($"missing <{spec.Positionals[positionals.Count]}>");
            }

            if (positionals.Count > spec.Positionals.Count)
            {
                throw new UsageException($"unexpected argument '{positionals[spec.Positionals.Count]}'");
            }
        }

        return new ParsedCommand(spec, positionals, values, flags);
    }

    // A lone "-" is a value (conventionally stdin), and negative numbers are values too.
    private static bool IsOption(string token) =>
        token == "-h" || (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2);

    private static (string Name, string? Inline) Split(string token)
    {
        if (token == "-h")
        {
            return (GlobalOptions.Help, null);
        }

        var equals = token.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (token, null) : (token[..equals], token[(equals + 1)..]);
    }
}
