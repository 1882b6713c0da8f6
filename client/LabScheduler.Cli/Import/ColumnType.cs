namespace LabScheduler.Cli.Import;

/// <summary>
/// How a CSV cell becomes JSON: text, a <c>;</c>-separated list, a decimal, a whole number, a yes/no,
/// or (for <c>rules.NAME</c> columns) whichever of number, true/false or text the cell reads as.
/// </summary>
internal enum ColumnType
{
    Text,
    List,
    Decimal,
    Integer,
    Boolean,
    Auto,
}
