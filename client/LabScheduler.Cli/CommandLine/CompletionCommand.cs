namespace LabScheduler.Cli.CommandLine;

/// <summary>completion bash|zsh: a shell function that asks labsched itself (System.CommandLine's [suggest] directive) what may come next.</summary>
internal static class CompletionCommand
{
    public static CommandDef Definition => new CommandDef("completion", "print the tab-completion script of a shell", RunAsync)
        .Arg("shell", "bash or zsh", true, false, "bash", "zsh")
        .Help("""
            Add to ~/.bashrc:   eval "$(labsched completion bash)"
            or to ~/.zshrc:     eval "$(labsched completion zsh)"
            The script calls 'labsched "[suggest:POSITION]" "LINE"', which lists the commands, options
            and values that fit where the cursor is.
            """);

    private static Task<int> RunAsync(CliContext c, ParsedCommand command)
    {
        c.Out.Write(command.Positional(0) == "bash" ? Bash : Zsh);
        return Task.FromResult(ExitCodes.Ok);
    }

    private const string Bash = """
        _labsched_complete() {
            local IFS=$'\n'
            COMPREPLY=($(labsched "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
        }
        complete -o default -F _labsched_complete labsched

        """;

    private const string Zsh = """
        _labsched_complete() {
            local -a completions
            completions=("${(@f)$(labsched "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
            compadd -- $completions
        }
        compdef _labsched_complete labsched

        """;
}
