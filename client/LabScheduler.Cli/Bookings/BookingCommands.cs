using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Bookings;

/// <summary>book, cancel, approve, reject, bookings.</summary>
internal static class BookingCommands
{
    private const int MaxKeyLength = 255;

    public static IEnumerable<CommandSpec> Specs =>
    [
        new("book", "book <instrumentId> --team T (--start I --end I | --local-start L --local-end L) [--purpose TEXT] [--idempotency-key K]",
            "book an instrument for a team",
            ["instrumentId"], 1, ["--team", "--start", "--end", "--local-start", "--local-end", "--purpose", "--idempotency-key"], [],
            """
            POST /api/v1/bookings
            --start, --end              instants with an offset: 2026-12-01T09:00:00+08:00
            --local-start, --local-end  wall-clock time in the lab's zone: 2026-12-01T09:00
                                        (a time that does not exist or exists twice there is
                                        refused with time.nonexistent-local / time.ambiguous-local)
            --idempotency-key K         sent as Idempotency-Key (default: a new GUID); repeat a
                                        booking whose answer was lost with the same key, and it
                                        is not booked twice
            The booking is confirmed, or pending where the instrument requires approval.
            """,
            BookAsync),
        new("cancel", "cancel <bookingId> [--reason TEXT]", "cancel a booking (frees the time at once)", ["bookingId"], 1, ["--reason"], [],
            "POST /api/v1/bookings/{id}/cancel. The booker, a manager of the lab, or an admin.", (c, p) => TransitionAsync(c, p, "cancel", p.Value("--reason"))),
        new("approve", "approve <bookingId>", "approve a pending booking (lab manager)", ["bookingId"], 1, [], [],
            "POST /api/v1/bookings/{id}/approve: pending to confirmed.", (c, p) => TransitionAsync(c, p, "approve", null)),
        new("reject", "reject <bookingId> [--reason TEXT]", "reject a pending booking (lab manager)", ["bookingId"], 1, ["--reason"], [],
            "POST /api/v1/bookings/{id}/reject: pending to rejected.", (c, p) => TransitionAsync(c, p, "reject", p.Value("--reason"))),
        new("bookings", "bookings [--mine] [--instrument I] [--team T] [--status S] [--from D|I] [--to D|I]", "bookings you may see (every page)",
            [], 0, ["--instrument", "--team", "--status", "--from", "--to"], ["--mine"],
            """
            GET /api/v1/bookings?instrumentId=&teamId=&userId=&status=&from=&to=&tz=
            --mine      only bookings made by the signed-in user
            --status    confirmed, pending, cancelled, rejected, completed, no-show, ...
            --from/--to a date (read in your zone) or an instant with an offset
            """,
            ListAsync),
    ];

    private static async Task<int> BookAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject
        {
            ["instrumentId"] = command.Positional(0),
            ["teamId"] = command.Required("--team"),
        };

        var byInstant = command.Value("--start") is not null || command.Value("--end") is not null;
        var byLocal = command.Value("--local-start") is not null || command.Value("--local-end") is not null;
        if (byInstant == byLocal)
        {
            throw new UsageException("give --start and --end (instants with an offset), or --local-start and --local-end (lab time), not both");
        }

        if (byInstant)
        {
            body["start"] = TimeArgument.Instant("--start", command.Required("--start"));
            body["end"] = TimeArgument.Instant("--end", command.Required("--end"));
        }
        else
        {
            body["localStart"] = TimeArgument.Local("--local-start", command.Required("--local-start"));
            body["localEnd"] = TimeArgument.Local("--local-end", command.Required("--local-end"));
        }

        if (command.Value("--purpose") is { } purpose)
        {
            body["purpose"] = purpose;
        }

        var key = command.Value("--idempotency-key") ?? Guid.NewGuid().ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            throw new UsageException($"--idempotency-key must be 1 to {MaxKeyLength} printable characters");
        }

        ApiResponse response;
        try
        {
            response = await c.Api.PostAsync(Query.Path("bookings", ("tz", c.Tz)), body, key);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            RetryHint(c, key);
            throw;
        }

        if (!response.IsSuccess)
        {
            var exit = c.Fail(response);
            if (response.Status >= 500)
            {
                RetryHint(c, key);
            }

            return exit;
        }

        return c.Show(response, booking =>
        {
            c.Out.WriteLine(JsonText.Field(booking, "status") == "pending"
                ? "Booked, pending approval by the lab."
                : "Booked.");
            if (response.Replayed)
            {
                c.Out.WriteLine("(This Idempotency-Key was used before: this is the first answer again, nothing new was booked.)");
            }

            WriteBooking(c, booking);
        });
    }

    private static async Task<int> TransitionAsync(CliContext c, ParsedCommand command, string action, string? reason)
    {
        var body = new JsonObject();
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        var path = Query.Path($"bookings/{Query.Segment(command.Positional(0))}/{action}", ("tz", c.Tz));
        var response = await c.Api.PostAsync(path, body);
        return response.IsSuccess ? c.Show(response, booking => WriteBooking(c, booking)) : c.Fail(response);
    }

    private static async Task<int> ListAsync(CliContext c, ParsedCommand command)
    {
        string? userId = null;
        if (command.Has("--mine"))
        {
            userId = c.Login?.UserId;
            if (userId is null)
            {
                var me = await c.Api.GetAsync("me");
                if (!me.IsSuccess)
                {
                    return c.Fail(me);
                }

                userId = JsonText.Field(me.Json, "id");
            }
        }

        var from = command.Value("--from") is { } f ? TimeArgument.InstantOrDate("--from", f) : null;
        var to = command.Value("--to") is { } t ? TimeArgument.InstantOrDate("--to", t) : null;
        var path = Query.Path("bookings",
            ("instrumentId", command.Value("--instrument")), ("teamId", command.Value("--team")), ("userId", userId),
            ("status", command.Value("--status")), ("from", from), ("to", to), ("tz", c.Tz));
        return await c.ShowListAsync(path, bookings =>
        {
            if (bookings.Count == 0)
            {
                c.Out.WriteLine("No bookings.");
                return;
            }

            var table = new Table(
                "ID", "STATUS", "INSTRUMENT", "TEAM", "USER", "LAB TIME",
                $"YOUR TIME ({JsonText.Field(bookings[0], "requester.timeZone")})", "PURPOSE");
            foreach (var b in bookings)
            {
                table.Add(
                    JsonText.Field(b, "id"), JsonText.Field(b, "status"), JsonText.Field(b, "instrumentId"), JsonText.Field(b, "teamId"),
                    JsonText.Field(b, "userId"), TimeText.Span(JsonText.Member(b, "lab")), TimeText.Span(JsonText.Member(b, "requester")),
                    JsonText.Field(b, "purpose"));
            }

            table.WriteTo(c.Out);
        }, CancellationToken.None);
    }

    private static void WriteBooking(CliContext c, JsonElement booking) => new Details()
        .Add("booking", JsonText.Field(booking, "id"))
        .Add("status", JsonText.Field(booking, "status"))
        .Add("instrument", JsonText.Field(booking, "instrumentId"))
        .Add("lab", JsonText.Field(booking, "labId"))
        .Add("team", JsonText.Field(booking, "teamId"))
        .Add("booked by", JsonText.Field(booking, "userId"))
        .Add("lab time", TimeText.SpanWithZone(JsonText.Member(booking, "lab")))
        .Add("your time", TimeText.SpanWithZone(JsonText.Member(booking, "requester")))
        .Add("utc", $"{JsonText.Field(booking, "start")} - {JsonText.Field(booking, "end")}")
        .Add("purpose", JsonText.Field(booking, "purpose"))
        .Add("reason", JsonText.Field(booking, "statusReason"))
        .WriteTo(c.Out);

    private static void RetryHint(CliContext c, string key) =>
        c.Err.WriteLine($"hint: the booking may or may not have been made; repeat with --idempotency-key {key} and it cannot be booked twice");
}
