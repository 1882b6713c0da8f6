namespace LabScheduler.Cli.Output;

/// <summary>A plain text table: a header row and cells padded to the widest value of each column.</summary>
internal sealed class Table(params string[] headers)
{
    private const string Gap = "  ";
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => _rows.Select(r => Cell(r, i).Length).Append(h.Length).Max()).ToArray();
        Write(writer, headers, widths);
        foreach (var row in _rows)
        {
            Write(writer, row, widths);
        }
    }

    private static string Cell(string[] row, int index) => index < row.Length ? Clean(row[index]) : "";

    // A line break inside a cell would break every column after it.
    private static string Clean(string text) => text.ReplaceLineEndings(" ");

    private static void Write(TextWriter writer, string[] cells, int[] widths)
    {
        var line = string.Join(Gap, widths.Select((w, i) => Cell(cells, i).PadRight(w)));
        writer.WriteLine(line.TrimEnd());
    }
}
