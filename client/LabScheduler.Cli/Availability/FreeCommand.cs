using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Availability;

/// <summary>free: an instrument's free intervals, in the lab's zone and in the requester's.</summary>
internal static class FreeCommand
{
    public static CommandDef Definition => new CommandDef("free", "free time of an instrument, in lab time and your time", RunAsync)
        .Arg("instrumentId", "the instrument")
        .Value("--from", "DATE|INSTANT", "a date (2026-12-01, read in the lab's zone) or an instant with an offset", required: true)
        .Value("--to", "DATE|INSTANT", "exclusive; the window is at most 92 days", required: true)
        .Help("GET /api/v1/instruments/{id}/free?from=&to=&tz=");

    private static async Task<int> RunAsync(CliContext c, ParsedCommand command)
    {
        var instrument = command.Positional(0);
        var from = TimeArgument.InstantOrDate("--from", command.Required("--from"));
        var to = TimeArgument.InstantOrDate("--to", command.Required("--to"));
        var response = await c.Api.GetAsync(Query.Path($"instruments/{Query.Segment(instrument)}/free", ("from", from), ("to", to), ("tz", c.Tz)));
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        return c.Show(response, free =>
        {
            var items = JsonText.Member(free, "items") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
            if (items.Count == 0)
            {
                c.Out.WriteLine($"No free time on {instrument} from {from} to {to}.");
                return;
            }

            var table = new Table(
                $"LAB TIME ({JsonText.Field(items[0], "lab.timeZone")})",
                $"YOUR TIME ({JsonText.Field(items[0], "requester.timeZone")})");
            foreach (var item in items)
            {
                table.Add(TimeText.Span(JsonText.Member(item, "lab")), TimeText.Span(JsonText.Member(item, "requester")));
            }

            c.Screen.Write(table);
        });
    }
}
