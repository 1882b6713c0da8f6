using System.CommandLine;

namespace LabScheduler.Cli.CommandLine;

/// <summary>
/// The parsed command line as a command reads it: option values by name, flags, positionals. A thin
/// view over System.CommandLine's <see cref="ParseResult"/> (which already refused what does not parse).
/// </summary>
internal sealed class ParsedCommand(ParseResult result, CommandDef definition, string path)
{
    public CommandDef Definition { get; } = definition;

    /// <summary>The command's words after "labsched", e.g. <c>series create</c>.</summary>
    public string Path { get; } = path;

    public IReadOnlyList<string> Positionals
    {
        get
        {
            var values = new List<string>();
            foreach (var argument in result.CommandResult.Command.Arguments)
            {
                switch (argument)
                {
                    case Argument<string[]> many:
                        values.AddRange(result.GetValue(many) ?? []);
                        break;
                    case Argument<string> one when result.GetValue(one) is { } value:
                        values.Add(value);
                        break;
                }
            }

            return values;
        }
    }

    public bool Has(string flag) => Find(flag) is Option<bool> option && result.GetValue(option);

    public string? Value(string option) => Find(option) is Option<string> found ? result.GetValue(found) : null;

    /// <summary>The values of an option given several times, in order.</summary>
    public IReadOnlyList<string> Values(string option) => Find(option) is Option<string[]> found ? result.GetValue(found) ?? [] : [];

    public string Required(string option) =>
        Value(option) ?? throw new UsageException($"{option} is required");

    public string Positional(int index) => Positionals[index];

    private Option? Find(string name)
    {
        for (var command = result.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (command.Command.Options.FirstOrDefault(o => o.Name == name) is { } option)
            {
                return option;
            }
        }

        return null;
    }
}
