using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Bookings;

/// <summary>book, booking, bookings, cancel, approve, reject, check-in, check-out.</summary>
internal static class BookingCommands
{
    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("book", "book an instrument for a team", BookAsync)
            .Arg("instrumentId", "the instrument")
            .Value("--team", "T", "the team that books (you must be a member)", required: true)
            .WithSpan()
            .Value("--purpose", "TEXT", "what the time is for")
            .Value("--idempotency-key", "K", "sent as Idempotency-Key (default: a new GUID)")
            .Help("""
                POST /api/v1/bookings
                A local time that does not exist in the lab's zone or exists twice there is refused
                with time.nonexistent-local / time.ambiguous-local. Repeat a booking whose answer was
                lost with the same --idempotency-key and it is not booked twice (labsched itself
                retries a 503 or a dropped connection with the same key).
                The booking is confirmed, or pending where the instrument requires approval.
                """),
        new CommandDef("cancel", "cancel a booking (frees the time at once)", (c, p) => TransitionAsync(c, p, "cancel", p.Value("--reason")))
            .Arg("bookingId", "the booking")
            .Value("--reason", "TEXT", "why")
            .Help("POST /api/v1/bookings/{id}/cancel. The booker (before the start), a manager of the lab, or an admin."),
        new CommandDef("approve", "approve pending bookings (lab manager)", ApproveAsync)
            .Arg("bookingId", "the bookings to approve", required: false, many: true)
            .Flag("--pending", "approve every pending booking you may approve (with --instrument: of that instrument)")
            .Value("--instrument", "I", "with --pending: only this instrument's")
            .Help("POST /api/v1/bookings/{id}/approve: pending to confirmed. With --pending, the pending bookings come from GET /api/v1/bookings?status=pending (every page)."),
        new CommandDef("reject", "reject a pending booking (lab manager)", (c, p) => TransitionAsync(c, p, "reject", p.Value("--reason")))
            .Arg("bookingId", "the booking")
            .Value("--reason", "TEXT", "why; the booker sees it")
            .Help("POST /api/v1/bookings/{id}/reject: pending to rejected."),
        new CommandDef("check-in", "check in to your booking (from 15 minutes before its start)", (c, p) => TransitionAsync(c, p, "check-in", null))
            .Arg("bookingId", "the booking")
            .Help("POST /api/v1/bookings/{id}/check-in (the booker)."),
        new CommandDef("check-out", "check out: records the actual end, completes the booking, frees the rest", (c, p) => TransitionAsync(c, p, "check-out", null))
            .Arg("bookingId", "the booking")
            .Help("POST /api/v1/bookings/{id}/check-out (the booker, after check-in)."),
        new CommandDef("booking", "one booking", ShowAsync)
            .Arg("bookingId", "the booking")
            .Help("GET /api/v1/bookings/{id}"),
        new CommandDef("bookings", "bookings you may see (every page)", ListAsync)
            .Flag("--mine", "only bookings made by the signed-in user")
            .Value("--instrument", "I", "one instrument's")
            .Value("--team", "T", "one team's")
            .Value("--status", "S", "confirmed, pending, cancelled, rejected, completed, no-show, ...")
            .Value("--from", "DATE|INSTANT", "a date (read in your zone) or an instant with an offset")
            .Value("--to", "DATE|INSTANT", "a date (read in your zone) or an instant with an offset")
            .Help("GET /api/v1/bookings?instrumentId=&teamId=&userId=&status=&from=&to=&tz="),
    ];

    private static async Task<int> BookAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject
        {
            ["instrumentId"] = command.Positional(0),
            ["teamId"] = command.Required("--team"),
        };

        SpanOptions.WriteSpan(command, body);

        if (command.Value("--purpose") is { } purpose)
        {
            body["purpose"] = purpose;
        }

        var key = SpanOptions.Key(command);

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

    private static async Task<int> ShowAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync(Query.Path($"bookings/{Query.Segment(command.Positional(0))}", ("tz", c.Tz)));
        return response.IsSuccess ? c.Show(response, booking => WriteBooking(c, booking)) : c.Fail(response);
    }

    private static async Task<int> ApproveAsync(CliContext c, ParsedCommand command)
    {
        var ids = command.Positionals.ToList();
        if (command.Has("--pending") == (ids.Count > 0))
        {
            throw new UsageException("give the bookings to approve, or --pending for every pending one");
        }

        if (command.Value("--instrument") is not null && ids.Count > 0)
        {
            throw new UsageException("--instrument goes with --pending");
        }

        if (ids.Count == 0)
        {
            var pending = await c.ReadAllAsync(Query.Path("bookings", ("status", "pending"), ("instrumentId", command.Value("--instrument"))), CancellationToken.None);
            if (pending.Failure is { } failure)
            {
                return c.Fail(failure);
            }

            ids = [.. pending.Items.Select(b => JsonText.Field(b, "id"))];
        }

        var approved = new List<JsonElement>();
        var exit = ExitCodes.Ok;
        foreach (var id in ids)
        {
            var response = await c.Api.PostAsync(Query.Path($"bookings/{Query.Segment(id)}/approve", ("tz", c.Tz)), new JsonObject());
            if (response.IsSuccess)
            {
                approved.Add(response.Json);
            }
            else
            {
                var failed = ProblemReport.Write(response, c.Err, ids.Count > 1 ? $"{id}: " : null);
                exit = exit == ExitCodes.Ok ? failed : exit;
            }
        }

        if (c.Json)
        {
            c.WriteItems(approved);
            return exit;
        }

        if (approved.Count == 0)
        {
            c.Out.WriteLine(ids.Count == 0 ? "No pending bookings." : "Nothing approved.");
            return exit;
        }

        var table = BookingTable(approved);
        c.Screen.Write(table);
        c.Out.WriteLine($"Approved {approved.Count} of {ids.Count}.");
        return exit;
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

            c.Screen.Write(BookingTable(bookings));
        }, CancellationToken.None);
    }

    /// <summary>Bookings with their time in the lab's zone and in the requester's.</summary>
    public static Table BookingTable(IReadOnlyList<JsonElement> bookings)
    {
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

        return table;
    }

    public static void WriteBooking(CliContext c, JsonElement booking) => new Details()
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

    public static void RetryHint(CliContext c, string key) =>
        c.Err.WriteLine($"hint: the booking may or may not have been made; repeat with --idempotency-key {key} and it cannot be booked twice");
}
