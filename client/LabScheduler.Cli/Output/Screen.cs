using Spectre.Console;

namespace LabScheduler.Cli.Output;

/// <summary>
/// Where output goes and how it may look: whether stdout and stderr are terminals, their width, and
/// NO_COLOR. Tables and progress use Spectre.Console only on a terminal.
/// </summary>
internal sealed class Screen
{
    private readonly CliIo _io;
    private IAnsiConsole? _out;
    private IAnsiConsole? _err;

    public Screen(CliIo io, IDictionary<string, string?> environment)
    {
        _io = io;
        // https://no-color.org: any non-empty value turns colour off.
        NoColor = environment.TryGetValue("NO_COLOR", out var value) && !string.IsNullOrEmpty(value);
    }

    public bool NoColor { get; }

    public bool OutIsTerminal => _io.OutIsTerminal;

    public bool ErrIsTerminal => _io.ErrIsTerminal;

    /// <summary>Spectre.Console on stdout; only used when stdout is a terminal.</summary>
    public IAnsiConsole Out => _out ??= Console(_io.Out, interactive: false);

    /// <summary>Spectre.Console on stderr, interactive (progress bars); only used when stderr is a terminal.</summary>
    public IAnsiConsole Err => _err ??= Console(_io.Err, interactive: true);

    public void Write(Table table)
    {
        if (OutIsTerminal)
        {
            table.Render(Out);
        }
        else
        {
            table.WriteTo(_io.Out);
        }
    }

    private IAnsiConsole Console(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = NoColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Standard,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = _io.Width;
        return console;
    }
}
