using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Bookings;

/// <summary>waitlist join | list | mine | show | accept | withdraw: queueing for taken time.</summary>
internal static class WaitlistCommands
{
    public static CommandDef Definition => new CommandDef("waitlist", "wait for taken time; freed time is offered to the first waiter whose span fits")
        .Sub(
            new CommandDef("join", "join the queue for a taken span", JoinAsync)
                .Arg("instrumentId", "the instrument")
                .Value("--team", "T", "the team the booking would be for", required: true)
                .WithSpan()
                .Help("POST /api/v1/instruments/{id}/waitlist; 422 waitlist.time-free when the span is free (book it instead)."),
            new CommandDef("list", "an instrument's queue (lab managers see everyone's)", (c, p) =>
                    ListAsync(c, Query.Path($"instruments/{Query.Segment(p.Positional(0))}/waitlist", ("tz", c.Tz))))
                .Arg("instrumentId", "the instrument")
                .Help("GET /api/v1/instruments/{id}/waitlist"),
            new CommandDef("mine", "your waitlist entries and offers", (c, _) => ListAsync(c, Query.Path("me/waitlist", ("tz", c.Tz))))
                .Help("GET /api/v1/me/waitlist"),
            new CommandDef("show", "one entry", (c, p) => EntryAsync(c, HttpMethod.Get, $"waitlist/{Query.Segment(p.Positional(0))}"))
                .Arg("entryId", "the entry")
                .Help("GET /api/v1/waitlist/{id}"),
            new CommandDef("accept", "accept an offer: it becomes your booking", AcceptAsync)
                .Arg("entryId", "the entry")
                .Help("POST /api/v1/waitlist/{id}/accept (idempotent: accepting twice gives the same booking)."),
            new CommandDef("withdraw", "leave the queue (or decline an offer)", (c, p) => EntryAsync(c, HttpMethod.Post, $"waitlist/{Query.Segment(p.Positional(0))}/withdraw"))
                .Arg("entryId", "the entry")
                .Help("POST /api/v1/waitlist/{id}/withdraw"));

    private static async Task<int> JoinAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject { ["teamId"] = command.Required("--team") };
        SpanOptions.WriteSpan(command, body);
        var response = await c.Api.PostAsync(Query.Path($"instruments/{Query.Segment(command.Positional(0))}/waitlist", ("tz", c.Tz)), body, Guid.NewGuid().ToString());
        return response.IsSuccess ? c.Show(response, entry => WriteEntry(c, entry)) : c.Fail(response);
    }

    private static async Task<int> AcceptAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.PostAsync(Query.Path($"waitlist/{Query.Segment(command.Positional(0))}/accept", ("tz", c.Tz)), new JsonObject());
        return response.IsSuccess ? c.Show(response, booking =>
        {
            c.Out.WriteLine(response.Replayed || response.Status == 200 ? "Accepted (again): your booking is" : "Accepted: your booking is");
            BookingCommands.WriteBooking(c, booking);
        }) : c.Fail(response);
    }

    private static async Task<int> EntryAsync(CliContext c, HttpMethod method, string path)
    {
        path = Query.Path(path, ("tz", c.Tz));
        var response = method == HttpMethod.Get ? await c.Api.GetAsync(path) : await c.Api.PostAsync(path, new JsonObject());
        return response.IsSuccess ? c.Show(response, entry => WriteEntry(c, entry)) : c.Fail(response);
    }

    private static Task<int> ListAsync(CliContext c, string path) =>
        c.ShowListAsync(path, entries =>
        {
            if (entries.Count == 0)
            {
                c.Out.WriteLine("No waitlist entries.");
                return;
            }

            var table = new Table("ID", "STATUS", "INSTRUMENT", "TEAM", "USER", "LAB TIME", $"YOUR TIME ({JsonText.Field(entries[0], "requester.timeZone")})", "OFFER UNTIL", "BOOKING");
            foreach (var e in entries)
            {
                table.Add(JsonText.Field(e, "id"), JsonText.Field(e, "status"), JsonText.Field(e, "instrumentId"), JsonText.Field(e, "teamId"), JsonText.Field(e, "userId"),
                    TimeText.Span(JsonText.Member(e, "lab")), TimeText.Span(JsonText.Member(e, "requester")), JsonText.Field(e, "offerExpiresAt"), JsonText.Field(e, "bookingId"));
            }

            c.Screen.Write(table);
        }, CancellationToken.None);

    private static void WriteEntry(CliContext c, JsonElement entry) => new Details()
        .Add("entry", JsonText.Field(entry, "id"))
        .Add("status", JsonText.Field(entry, "status"))
        .Add("instrument", JsonText.Field(entry, "instrumentId"))
        .Add("team", JsonText.Field(entry, "teamId"))
        .Add("lab time", TimeText.SpanWithZone(JsonText.Member(entry, "lab")))
        .Add("your time", TimeText.SpanWithZone(JsonText.Member(entry, "requester")))
        .Add("offer until", JsonText.Field(entry, "offerExpiresAt"))
        .Add("booking", JsonText.Field(entry, "bookingId"))
        .WriteTo(c.Out);
}
