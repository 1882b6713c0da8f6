namespace LabScheduler.Cli.Import;

/// <summary>
/// A CSV column: its header, its type, and where it goes in the request body (dotted, e.g.
/// <c>rates.internal</c>); no target for columns that are not body fields (<c>labId</c>, <c>members</c>).
/// </summary>
internal sealed record ImportColumn(string Name, ColumnType Type, string? Target)
{
    public static ImportColumn Field(string name, ColumnType type = ColumnType.Text) => new(name, type, name);
}
