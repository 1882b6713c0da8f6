using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Cli.Accounting;

/// <summary>
/// A report's columns: the JSON field of each and its heading. The same columns make the table and,
/// with --csv, the CSV (headed by the API's field names, so a script reads the names it knows).
/// </summary>
internal sealed record Report(IReadOnlyList<(string Field, string Heading)> Columns)
{
    private static readonly YearMonthPattern MonthPattern = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    public void Write(CliContext c, IReadOnlyList<JsonElement> items, bool csv, string what)
    {
        var rows = items.Select(item => (IReadOnlyList<string>)[.. Columns.Select(col => JsonText.Field(item, col.Field))]).ToList();
        if (csv)
        {
            CsvOut.Write(c.Out, [.. Columns.Select(col => col.Field)], rows);
            return;
        }

        var table = new Table([.. Columns.Select(col => col.Heading)]);
        foreach (var row in rows)
        {
            table.Add([.. row]);
        }

        c.Print(table, what);
    }

    /// <summary>A month as the API takes it (yyyy-MM); <c>last</c> and <c>this</c> are months of "now" in your zone.</summary>
    public static async Task<string> MonthAsync(CliContext c, string option, string value)
    {
        if (value is "last" or "this")
        {
            var today = c.Clock.GetCurrentInstant().InZone(await c.UserZoneAsync()).Date;
            var month = new YearMonth(today.Year, today.Month);
            return MonthPattern.Format(value == "last" ? month.PlusMonths(-1) : month);
        }

        return MonthPattern.Parse(value).Success ? value : throw new UsageException($"{option} '{value}' is not a month (2026-12, last or this)");
    }
}
