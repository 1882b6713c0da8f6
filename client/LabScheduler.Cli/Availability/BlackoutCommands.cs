using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Cli.Availability;

/// <summary>blackouts list | add: times an instrument cannot be booked (maintenance, calibration, holidays).</summary>
internal static class BlackoutCommands
{
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");

    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("blackouts", "blackouts of an instrument (maintenance, holidays)")
            .Sub(
                new CommandDef("list", "blackouts not yet ended, in lab time and yours", ListAsync)
                    .Arg("instrumentId", "the instrument")
                    .Help("GET /api/v1/instruments/{id}/blackouts?tz="),
                new CommandDef("add", "black out a time; bookings it hits are listed (409) unless --cancel-conflicting", AddAsync)
                    .Arg("instrumentId", "the instrument")
                    .WithSpan()
                    .Value("--reason", "TEXT", "shown to bookers", required: true)
                    .Flag("--cancel-conflicting", "cancel the bookings the blackout hits")
                    .Help("""
                        POST /api/v1/instruments/{id}/blackouts {start, end, reason, cancelConflicting}.
                        --local-start/--local-end are read in the lab's zone here (NodaTime, the IANA
                        database): a time that does not exist there or exists twice is refused.
                        """)),
    ];

    private static Task<int> ListAsync(CliContext c, ParsedCommand command) =>
        c.ShowListAsync(Query.Path($"instruments/{Query.Segment(command.Positional(0))}/blackouts", ("tz", c.Tz)), blackouts =>
        {
            if (blackouts.Count == 0)
            {
                c.Out.WriteLine("No blackouts.");
                return;
            }

            var table = new Table("ID", "LAB TIME", $"YOUR TIME ({JsonText.Field(blackouts[0], "requester.timeZone")})", "REASON");
            foreach (var b in blackouts)
            {
                table.Add(JsonText.Field(b, "id"), TimeText.SpanWithZone(JsonText.Member(b, "lab")), TimeText.Span(JsonText.Member(b, "requester")), JsonText.Field(b, "reason"));
            }

            c.Screen.Write(table);
        }, CancellationToken.None);

    private static async Task<int> AddAsync(CliContext c, ParsedCommand command)
    {
        var instrument = command.Positional(0);
        var span = new JsonObject();
        SpanOptions.WriteSpan(command, span);
        var body = new JsonObject { ["reason"] = command.Required("--reason") };
        if (span["localStart"] is { } localStart)
        {
            var (zone, failure) = await c.LabZoneAsync(instrument);
            if (zone is null)
            {
                return c.Fail(failure!);
            }

            body["start"] = InLab("--local-start", localStart.GetValue<string>(), zone);
            body["end"] = InLab("--local-end", span["localEnd"]!.GetValue<string>(), zone);
        }
        else
        {
            body["start"] = span["start"]!.GetValue<string>();
            body["end"] = span["end"]!.GetValue<string>();
        }

        if (command.Has("--cancel-conflicting"))
        {
            body["cancelConflicting"] = true;
        }

        var response = await c.Api.PostAsync(Query.Path($"instruments/{Query.Segment(instrument)}/blackouts", ("tz", c.Tz)), body, Guid.NewGuid().ToString());
        if (!response.IsSuccess)
        {
            var exit = c.Fail(response);
            if (response.ProblemCode == "blackout.conflict")
            {
                c.Err.WriteLine("hint: add --cancel-conflicting to cancel those bookings");
            }

            return exit;
        }

        return c.Show(response, b => new Details()
            .Add("blackout", JsonText.Field(b, "id"))
            .Add("instrument", JsonText.Field(b, "instrumentId"))
            .Add("lab time", TimeText.SpanWithZone(JsonText.Member(b, "lab")))
            .Add("your time", TimeText.SpanWithZone(JsonText.Member(b, "requester")))
            .Add("reason", JsonText.Field(b, "reason"))
            .WriteTo(c.Out));
    }

    /// <summary>A lab-local time as an instant, strictly: a time in a DST gap or overlap is a usage error, never a guess.</summary>
    private static string InLab(string option, string local, DateTimeZone zone)
    {
        var parsed = LocalPattern.Parse(local).GetValueOrThrow();
        var mapping = zone.MapLocal(parsed);
        return mapping.Count switch
        {
            1 => InstantPattern.ExtendedIso.Format(mapping.Single().ToInstant()),
            0 => throw new UsageException($"{option} {local} does not exist in {zone.Id} (the clocks skip it); give an instant with --start/--end"),
            _ => throw new UsageException($"{option} {local} happens twice in {zone.Id} (the clocks go back); give an instant with --start/--end"),
        };
    }
}
