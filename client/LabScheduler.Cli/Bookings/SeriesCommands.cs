using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;

namespace LabScheduler.Cli.Bookings;

/// <summary>series create | show | cancel: recurring bookings from an RFC 5545 RRULE, all or nothing.</summary>
internal static class SeriesCommands
{
    public static CommandDef Definition => new CommandDef("series", "recurring bookings (RFC 5545 RRULE, expanded in the lab's local time)")
        .Sub(
            new CommandDef("create", "book every occurrence of a rule, or none", CreateAsync)
                .Arg("instrumentId", "the instrument")
                .Value("--team", "T", "the team that books", required: true)
                .WithSpan()
                .Value("--rrule", "RULE", "FREQ=WEEKLY;BYDAY=TU;COUNT=10 (FREQ DAILY|WEEKLY|MONTHLY, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST)", required: true)
                .Value("--purpose", "TEXT", "what the time is for")
                .Value("--idempotency-key", "K", "sent as Idempotency-Key (default: a new GUID)")
                .Help("""
                    POST /api/v1/booking-series. The span is the first occurrence; every occurrence repeats its
                    local start and length. All or nothing: 409 booking.conflict lists each occurrence that
                    conflicts. An occurrence in a DST gap moves forward by the gap; one in an overlap takes the
                    earlier instant (RFC 5545 3.3.5).
                    """),
            new CommandDef("show", "the bookings of a series", ShowAsync)
                .Arg("seriesId", "the series")
                .Help("GET /api/v1/booking-series/{id}"),
            new CommandDef("cancel", "cancel the occurrences not yet started", CancelAsync)
                .Arg("seriesId", "the series")
                .Value("--reason", "TEXT", "why")
                .Help("POST /api/v1/booking-series/{id}/cancel (booker, lab manager, admin)."));

    private static async Task<int> CreateAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject
        {
            ["instrumentId"] = command.Positional(0),
            ["teamId"] = command.Required("--team"),
            ["recurrence"] = command.Required("--rrule"),
        };
        SpanOptions.WriteSpan(command, body);
        if (command.Value("--purpose") is { } purpose)
        {
            body["purpose"] = purpose;
        }

        var key = SpanOptions.Key(command);
        var response = await c.Api.PostAsync(Query.Path("booking-series", ("tz", c.Tz)), body, key);
        if (!response.IsSuccess)
        {
            var exit = c.Fail(response);
            if (response.Status >= 500)
            {
                BookingCommands.RetryHint(c, key);
            }

            return exit;
        }

        return c.Show(response, series => Write(c, series, $"Booked series {JsonText.Field(series, "seriesId")}"));
    }

    private static async Task<int> ShowAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync(Query.Path($"booking-series/{Query.Segment(command.Positional(0))}", ("tz", c.Tz)));
        return response.IsSuccess ? c.Show(response, series => Write(c, series, $"Series {JsonText.Field(series, "seriesId")}")) : c.Fail(response);
    }

    private static async Task<int> CancelAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject();
        if (command.Value("--reason") is { } reason)
        {
            body["reason"] = reason;
        }

        var response = await c.Api.PostAsync(Query.Path($"booking-series/{Query.Segment(command.Positional(0))}/cancel", ("tz", c.Tz)), body);
        return response.IsSuccess ? c.Show(response, series => Write(c, series, $"Cancelled series {JsonText.Field(series, "seriesId")}")) : c.Fail(response);
    }

    private static void Write(CliContext c, JsonElement series, string title)
    {
        var items = JsonText.Member(series, "items") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
        c.Out.WriteLine($"{title}: {items.Count} {(items.Count == 1 ? "booking" : "bookings")}.");
        if (items.Count > 0)
        {
            c.Screen.Write(BookingCommands.BookingTable(items));
        }
    }
}
