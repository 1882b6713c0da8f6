using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Availability;

/// <summary>slots: the earliest free slots of a length on every instrument of a category, across labs.</summary>
internal static class SlotsCommand
{
    public static CommandDef Definition => new CommandDef("slots", "earliest free slots of a category in every lab (lab time and yours)", RunAsync)
        .Value("--category", "X", "nmr, cryo-em, mass-spec, ...", required: true)
        .Value("--duration", "MINUTES", "the slot's length in minutes", required: true)
        .Value("--from", "DATE|INSTANT", "not before (a date in your zone, or an instant)")
        .Value("--to", "DATE|INSTANT", "not after")
        .Value("--member-state", "CC", "only labs of this country")
        .Value("--limit", "N", "at most this many slots (default the API's)")
        .Help("GET /api/v1/slots?category=&durationMinutes=&from=&to=&memberState=&limit=&tz=; only instruments you may book.");

    private static Task<int> RunAsync(CliContext c, ParsedCommand command)
    {
        var duration = command.Required("--duration");
        if (!int.TryParse(duration, System.Globalization.CultureInfo.InvariantCulture, out var minutes) || minutes <= 0)
        {
            throw new UsageException($"--duration '{duration}' is not a number of minutes");
        }

        var path = Query.Path("slots",
            ("category", command.Required("--category")), ("durationMinutes", duration),
            ("from", command.Value("--from") is { } f ? TimeArgument.InstantOrDate("--from", f) : null),
            ("to", command.Value("--to") is { } t ? TimeArgument.InstantOrDate("--to", t) : null),
            ("memberState", command.Value("--member-state")), ("limit", command.Value("--limit")), ("tz", c.Tz));
        return c.ShowListAsync(path, slots =>
        {
            if (slots.Count == 0)
            {
                c.Out.WriteLine("No free slots.");
                return;
            }

            var table = new Table("INSTRUMENT", "LAB", "LAB TIME", $"YOUR TIME ({JsonText.Field(slots[0], "requester.timeZone")})");
            foreach (var slot in slots)
            {
                table.Add(JsonText.Field(slot, "instrumentId"), JsonText.Field(slot, "labId"),
                    TimeText.SpanWithZone(JsonText.Member(slot, "lab")), TimeText.Span(JsonText.Member(slot, "requester")));
            }

            c.Screen.Write(table);
        }, CancellationToken.None);
    }
}
