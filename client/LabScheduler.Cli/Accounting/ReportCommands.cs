using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Accounting;

/// <summary>report utilization | statements | settlement | heatmap, as tables or (--csv) CSV.</summary>
internal static class ReportCommands
{
    private static readonly Report Utilization = new([
        ("key", "KEY"), ("openMinutes", "OPEN MIN"), ("bookedMinutes", "BOOKED MIN"), ("usedMinutes", "USED MIN"), ("utilization", "UTILIZATION"),
        ("bookings", "BOOKINGS"), ("noShows", "NO-SHOWS"), ("noShowRate", "NO-SHOW RATE"), ("cancellations", "CANCELLATIONS"), ("cancellationRate", "CANCEL RATE"),
    ]);

    private static readonly Report Statements = new([
        ("key", "TEAM/INSTITUTION"), ("currency", "CURRENCY"), ("amount", "AMOUNT"), ("minutes", "MINUTES"), ("entries", "ENTRIES"), ("adjustments", "ADJUSTMENTS"),
    ]);

    private static readonly Report Settlement = new([
        ("teamState", "TEAM STATE"), ("labState", "LAB STATE"), ("currency", "CURRENCY"), ("amount", "AMOUNT"), ("minutes", "MINUTES"),
    ]);

    public static CommandDef Definition => new CommandDef("report", "utilization, statements, settlement, heat map (admins; managers for their labs)")
        .Sub(
            new CommandDef("utilization", "open, booked and used minutes, no-shows and cancellations", UtilizationAsync)
                .Value("--from", "DATE", "first day (each lab's local date)", required: true)
                .Value("--to", "DATE", "day after the last", required: true)
                .Value("--group-by", "BY", "rows per instrument (default), lab, memberState or team", false, "instrument", "lab", "memberState", "team")
                .Value("--lab", "ID", "one lab's instruments")
                .Flag("--csv", "CSV on stdout instead of a table")
                .Help("GET /api/v1/reports/utilization?from=&to=&groupBy=&labId=. utilization = booked / open; open counts opening hours less blackouts."),
            new CommandDef("statements", "a month's charges per team or institution, totals per currency", StatementsAsync)
                .Value("--month", "MONTH", "yyyy-MM, or last / this (in your zone)", required: true)
                .Value("--by", "BY", "team (default) or institution", false, "team", "institution")
                .Flag("--frozen", "the copy the month-end run froze (admin)")
                .Flag("--csv", "CSV on stdout instead of a table")
                .Help("GET /api/v1/reports/statements?month=&by=&frozen=. Late entries of a frozen month appear as adjustments of the next open month."),
            new CommandDef("settlement", "who used whose instruments: team country to lab country, per currency", SettlementAsync)
                .Value("--month", "MONTH", "yyyy-MM, or last / this (in your zone)", required: true)
                .Flag("--csv", "CSV on stdout instead of a table")
                .Help("GET /api/v1/reports/settlement?month="),
            new CommandDef("heatmap", "booked minutes by hour of week in each lab's local time", HeatMapAsync)
                .Value("--from", "DATE", "first day", required: true)
                .Value("--to", "DATE", "day after the last", required: true)
                .Value("--lab", "ID", "one lab")
                .Flag("--csv", "CSV on stdout (day, then hours 00..23)")
                .Help("GET /api/v1/reports/heatmap?from=&to=&labId="));

    private static Task<int> UtilizationAsync(CliContext c, ParsedCommand command)
    {
        var path = Query.Path("reports/utilization",
            ("from", Date(command, "--from")), ("to", Date(command, "--to")), ("groupBy", command.Value("--group-by")), ("labId", command.Value("--lab")));
        return c.ShowListAsync(path, items => Utilization.Write(c, items, command.Has("--csv"), "utilization"), CancellationToken.None);
    }

    private static async Task<int> StatementsAsync(CliContext c, ParsedCommand command)
    {
        var month = await Report.MonthAsync(c, "--month", command.Required("--month"));
        var path = Query.Path("reports/statements", ("month", month), ("by", command.Value("--by")), ("frozen", command.Has("--frozen") ? "true" : null));
        return await c.ShowListAsync(path, items => Statements.Write(c, items, command.Has("--csv"), $"statements for {month}"), CancellationToken.None);
    }

    private static async Task<int> SettlementAsync(CliContext c, ParsedCommand command)
    {
        var month = await Report.MonthAsync(c, "--month", command.Required("--month"));
        return await c.ShowListAsync(Query.Path("reports/settlement", ("month", month)),
            items => Settlement.Write(c, items, command.Has("--csv"), $"settlement for {month}"), CancellationToken.None);
    }

    private static async Task<int> HeatMapAsync(CliContext c, ParsedCommand command)
    {
        var path = Query.Path("reports/heatmap", ("from", Date(command, "--from")), ("to", Date(command, "--to")), ("labId", command.Value("--lab")));
        var response = await c.Api.GetAsync(path);
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        return c.Show(response, map =>
        {
            var days = JsonText.Member(map, "days").EnumerateArray().Select(JsonText.Of).ToList();
            var minutes = JsonText.Member(map, "minutes").EnumerateArray().Select(row => row.EnumerateArray().Select(JsonText.Of).ToList()).ToList();
            var hours = Enumerable.Range(0, 24).Select(h => h.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var rows = days.Select((day, i) => (IReadOnlyList<string>)[day, .. i < minutes.Count ? minutes[i] : []]).ToList();
            if (command.Has("--csv"))
            {
                CsvOut.Write(c.Out, ["day", .. hours], rows);
                return;
            }

            var table = new Table(["DAY (LAB TIME)", .. hours]);
            foreach (var row in rows)
            {
                table.Add([.. row]);
            }

            c.Screen.Write(table);
            c.Out.WriteLine($"Booked minutes per local hour of the week, {JsonText.Field(map, "from")} to {JsonText.Field(map, "to")} (exclusive).");
        });
    }

    private static string Date(ParsedCommand command, string option)
    {
        var value = command.Required(option);
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)
            ? value
            : throw new UsageException($"{option} '{value}' is not a date (2026-12-01)");
    }
}
