namespace LabScheduler.Cli;

/// <summary>
/// The standard streams labsched runs with, and whether stdout and stderr are terminals (tables are
/// drawn and progress shown only there); <see cref="Width"/> is the terminal's width in cells.
/// </summary>
public sealed record CliIo(TextWriter Out, TextWriter Err, TextReader In, bool OutIsTerminal = false, bool ErrIsTerminal = false, int Width = 120)
{
    /// <summary>The process's own console streams.</summary>
    public static CliIo FromConsole()
    {
        var outIsTerminal = !Console.IsOutputRedirected;
        var width = 120;
        if (outIsTerminal)
        {
            try
            {
                width = Math.Max(40, Console.WindowWidth);
            }
            catch (IOException)
            {
                // No terminal size to be had (a pseudo-terminal without one): the default will do.
            }
        }

        return new CliIo(Console.Out, Console.Error, Console.In, outIsTerminal, !Console.IsErrorRedirected, width);
    }
}
