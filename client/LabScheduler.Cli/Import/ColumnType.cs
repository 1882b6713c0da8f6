namespace LabScheduler.Cli.Import;

/// <summary>How a CSV cell becomes JSON: text, a <c>;</c>-separated list, a decimal, a whole number, a yes/no.</summary>
internal enum ColumnType
{
    Text,
    List,
    Decimal,
    Integer,
    Boolean,
}
