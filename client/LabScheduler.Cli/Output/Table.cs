using System.Text;
using Spectre.Console;

namespace LabScheduler.Cli.Output;

/// <summary>
/// A table of text cells. On a terminal it is drawn by Spectre.Console (rounded borders, colour unless
/// NO_COLOR); anywhere else it is plain: a header row and columns padded to the widest cell, measured
/// in terminal cells (a Chinese character takes two, a combining mark none), so that pipes, files and
/// scripts get aligned text without escape codes or box drawing.
/// </summary>
internal sealed class Table(params string[] headers)
{
    private const string Gap = "  ";
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public IReadOnlyList<string> Headers => headers;

    public IReadOnlyList<string[]> Rows => _rows;

    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Writes the table plain (the format of pipes and files).</summary>
    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => Width(Cell(r, i))).Append(Width(h)).Max()).ToArray();
        Write(writer, headers, widths);
        foreach (var row in _rows)
        {
            Write(writer, row, widths);
        }
    }

    /// <summary>Draws the table with Spectre.Console on <paramref name="console"/> (a terminal).</summary>
    public void Render(IAnsiConsole console)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in _rows)
        {
            table.AddRow([.. headers.Select((_, i) => new Text(Cell(row, i)))]);
        }

        console.Write(table);
    }

    /// <summary>The width of <paramref name="text"/> in terminal cells.</summary>
    public static int Width(string text) => text.GetCellWidth();

    private static string Cell(string[] row, int index) => index < row.Length ? Clean(row[index]) : "";

    // A line break inside a cell would break every column after it.
    private static string Clean(string text) => text.ReplaceLineEndings(" ");

    private static void Write(TextWriter writer, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = Cell(cells, i);
            line.Append(cell).Append(' ', widths[i] - Width(cell)).Append(Gap);
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }
}
