namespace LabScheduler.Cli.Output;

/// <summary>One record as aligned <c>label  value</c> lines; empty values are left out.</summary>
internal sealed class Details
{
    private readonly List<(string Label, string Value)> _lines = [];

    public Details Add(string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _lines.Add((label, value));
        }

        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var width = _lines.Count == 0 ? 0 : _lines.Max(l => l.Label.Length);
        foreach (var (label, value) in _lines)
        {
            writer.WriteLine($"{label.PadRight(width)}  {value.ReplaceLineEndings(" ")}");
        }
    }
}
