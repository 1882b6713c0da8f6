namespace LabScheduler.Cli.CommandLine;

/// <summary>
/// One command: its name, its positional arguments (the first <see cref="RequiredPositionals"/> are
/// required), the options that take a value, the flags, its help, and what it does.
/// </summary>
internal sealed record CommandSpec(
    string Name,
    string Usage,
    string Summary,
    IReadOnlyList<string> Positionals,
    int RequiredPositionals,
    IReadOnlyList<string> ValueOptions,
    IReadOnlyList<string> Flags,
    string Details,
    Func<CliContext, ParsedCommand, Task<int>> RunAsync);
