using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Availability;

/// <summary>hours show | set: an instrument's weekly opening hours and closed dates, in the lab's zone.</summary>
internal static class HoursCommands
{
    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("hours", "opening hours of an instrument, as a week grid in the lab's zone")
            .Sub(
                new CommandDef("show", "the week grid and closed dates", ShowAsync)
                    .Arg("instrumentId", "the instrument")
                    .Help("GET /api/v1/instruments/{id}/opening-hours; shown in the lab's local time, with the offsets of the lab and of your zone now."),
                new CommandDef("set", "replace the opening hours with a file's", SetAsync)
                    .Arg("instrumentId", "the instruments", many: true)
                    .Value("--file", "PATH", "the hours: lines such as 'mon-fri 08:00-20:00' (see below) or the API's JSON; '-' reads stdin", required: true)
                    .Help("""
                        PUT /api/v1/instruments/{id}/opening-hours for each instrument named, in its lab's local time.
                        The file, one day or range of days a line (a later line adds to a day):
                          # comment
                          mon-fri   08:00-12:00 13:00-20:00
                          saturday  10:00-14:00
                          sunday    closed
                          closed    2026-12-31 2027-01-01
                        22:00-06:00 runs overnight; 24:00 is the end of the day. A file starting with '{'
                        is the API's body: {"weekly":[{"day":"monday","from":"08:00","to":"20:00"}],"closedDates":[]}.
                        """)),
    ];

    private static async Task<int> ShowAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync($"instruments/{Query.Segment(command.Positional(0))}/opening-hours");
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        var mine = c.Json ? null : await c.UserZoneAsync();
        return c.Show(response, hours => WriteGrid(c, hours, mine!));
    }

    private static async Task<int> SetAsync(CliContext c, ParsedCommand command)
    {
        var file = command.Required("--file");
        string text;
        try
        {
            text = file == "-" ? await c.In.ReadToEndAsync() : await File.ReadAllTextAsync(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{file}': {e.Message}");
        }

        var body = HoursFile.Parse(text, file == "-" ? "stdin" : Path.GetFileName(file));
        var exit = ExitCodes.Ok;
        var instruments = command.Positionals;
        foreach (var instrument in instruments)
        {
            var response = await c.Api.PutAsync($"instruments/{Query.Segment(instrument)}/opening-hours", body.DeepClone());
            if (!response.IsSuccess)
            {
                var failed = c.Json ? c.Fail(response) : ProblemReport.Write(response, c.Err, instruments.Count > 1 ? $"{instrument}: " : null);
                exit = exit == ExitCodes.Ok ? failed : exit;
                continue;
            }

            if (c.Json)
            {
                c.WriteBody(response.Body);
            }
            else
            {
                c.Out.WriteLine($"Opening hours of {instrument} set.");
                if (instruments.Count == 1)
                {
                    WriteGrid(c, response.Json, await c.UserZoneAsync());
                }
            }
        }

        return exit;
    }

    private static void WriteGrid(CliContext c, JsonElement hours, NodaTime.DateTimeZone mine)
    {
        var labZone = JsonText.Field(hours, "timeZone");
        var days = WeekGrid.Minutes(JsonText.Member(hours, "weekly"));
        var table = new Table("DAY", WeekGrid.Ruler, $"HOURS (lab time, {labZone})");
        for (var i = 0; i < 7; i++)
        {
            table.Add(WeekGrid.Days[i], WeekGrid.Row(days[i]), WeekGrid.Intervals(days[i]));
        }

        c.Screen.Write(table);
        var closed = JsonText.Field(hours, "closedDates");
        c.Out.WriteLine($"Closed dates: {(closed.Length == 0 ? "none" : closed)}");
        if (Zones.Find(labZone) is { } lab)
        {
            var now = c.Clock.GetCurrentInstant();
            c.Out.WriteLine($"Lab time {lab.Id} is {Zones.Offset(lab, now)} now; your time {mine.Id} is {Zones.Offset(mine, now)}.");
        }
    }
}
