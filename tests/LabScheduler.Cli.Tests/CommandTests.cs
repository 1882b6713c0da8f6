using System.Text.Json.Nodes;
using LabScheduler.Cli.Availability;

namespace LabScheduler.Cli.Tests;

/// <summary>The commands beyond bookings: what each sends, and what it refuses before sending anything.</summary>
public sealed class CommandTests : IDisposable
{
    private const string BerlinInstrument = """{"id":"ber-nmr","labId":"ber-lab","name":"NMR","category":"nmr","currency":"EUR","rates":{"internal":1,"partner":2,"external":3},"rules":{},"status":"active","timeZone":"Europe/Berlin","memberState":"DE","authorizedUsers":["alice","wei"]}""";

    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData("series", "create", "nmr-600", "--team", "t", "--local-start", "2026-12-01T09:00", "--local-end", "2026-12-01T10:00")]
    [InlineData("series")]
    [InlineData("instrument", "status", "nmr-600", "broken")]
    [InlineData("instrument", "rules", "nmr-600")]
    [InlineData("instrument", "rules", "nmr-600", "--set", "capacity")]
    [InlineData("instrument", "create", "lab", "x", "--name", "X", "--category", "nmr", "--currency", "CNY", "--rate-internal", "ten", "--rate-partner", "1", "--rate-external", "1")]
    [InlineData("report", "statements", "--month", "2026-13")]
    [InlineData("report", "utilization", "--from", "2026-12-01", "--to", "tomorrow")]
    [InlineData("report", "utilization", "--from", "2026-12-01", "--to", "2026-12-31", "--group-by", "planet")]
    [InlineData("slots", "--category", "nmr", "--duration", "an hour")]
    [InlineData("quota", "set", "team", "nmr-600", "--minutes", "-5")]
    [InlineData("waitlist", "join", "nmr-600", "--team", "t")]
    [InlineData("approve")]
    [InlineData("approve", "b-1", "--pending")]
    [InlineData("training", "grant", "nmr-600")]
    [InlineData("completion", "fish")]
    [InlineData("hours", "set", "nmr-600")]
    public async Task BadArguments_ExitTwo_AndSendNothing(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.StartsWith("error: ", result.Err, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task LoginTokenDash_ReadsTheTokenFromStdin()
    {
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Ok(Samples.Me));

        var result = await _cli.RunOnAsync("eyJ.token.from-a-pipe\n", false, false, "login", "--token", "-");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("Bearer eyJ.token.from-a-pipe", _cli.Server.Requests.Single().Authorization);
        Assert.Contains("eyJ.token.from-a-pipe", File.ReadAllText(_cli.CredentialsPath), StringComparison.Ordinal);
        Assert.DoesNotContain("warning", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginTokenDash_WithEmptyStdin_ExitsTwo()
    {
        var result = await _cli.RunOnAsync("", false, false, "login", "--token", "-");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task LoginWithoutArguments_InDemoMode_AsksForTheUser()
    {
        _cli.Server.On(HttpMethod.Get, "auth/config", FakeApi.Answer.Ok("""{"mode":"demo"}"""));

        var result = await _cli.RunAsync("login");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("demo mode", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_Bash_CallsTheSuggestDirective()
    {
        var script = await _cli.RunAsync("completion", "bash");
        var suggestions = await _cli.RunAsync("[suggest:11]", "labsched re");

        Assert.Equal(ExitCodes.Ok, script.Exit);
        Assert.Contains("complete -o default -F _labsched_complete labsched", script.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", script.Out, StringComparison.Ordinal);
        Assert.Equal(["reject", "report"], suggestions.Out.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(s => s.StartsWith("re", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InstrumentRules_SendsTypedValues()
    {
        _cli.Server.On(HttpMethod.Patch, "instruments/nmr-600", request => FakeApi.Answer.Ok(Samples.Instrument));

        var result = await _cli.RunAsync("instrument", "rules", "nmr-600", "--set", "capacity=2", "--set", "requiresApproval=true",
            "--set", "shares={\"CN\":50,\"*\":50}", "--cancel-conflicting");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var body = _cli.Server.Requests.Single().Json;
        Assert.Equal(2, (int)body["rules"]!["capacity"]!);
        Assert.True((bool)body["rules"]!["requiresApproval"]!);
        Assert.Equal(50, (int)body["rules"]!["shares"]!["CN"]!);
        Assert.True((bool)body["cancelConflicting"]!);
    }

    [Fact]
    public async Task HoursSet_SendsTheFileAsWeeklyIntervals_AndShowsTheGrid()
    {
        _cli.Server.On(HttpMethod.Put, "instruments/nmr-600/opening-hours", request =>
        {
            var body = JsonNode.Parse(request.Body!)!.AsObject();
            body["instrumentId"] = "nmr-600";
            body["timeZone"] = "Asia/Shanghai";
            return FakeApi.Answer.Ok(body.ToJsonString());
        });
        var file = _cli.File("hours.txt", "# NMR hours, lab time\nmon-fri 08:00-12:00 13:00-20:00\nsat 22:00-02:00\nsunday closed\nclosed 2026-12-31\n");

        var result = await _cli.RunAsync("hours", "set", "nmr-600", "--file", file);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var weekly = _cli.Server.Requests.Single().Json["weekly"]!.AsArray();
        Assert.Equal(11, weekly.Count);
        Assert.Equal(("friday", "13:00", "20:00"), ((string?)weekly[9]!["day"], (string?)weekly[9]!["from"], (string?)weekly[9]!["to"]));
        Assert.Equal("2026-12-31", (string?)_cli.Server.Requests.Single().Json["closedDates"]![0]);
        Assert.Matches(@"(?m)^monday\s+········████·███████····\s+08:00-12:00 13:00-20:00$", result.Out);
        Assert.Matches(@"(?m)^saturday\s+······················██\s+22:00-24:00$", result.Out);
        Assert.Matches(@"(?m)^sunday\s+██······················\s+00:00-02:00$", result.Out);
        Assert.Contains("Lab time Asia/Shanghai is UTC+08:00 now", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoursFile_BadLine_IsNamed()
    {
        var file = _cli.File("hours.txt", "monday 08:00-20:00\ntuesday 8-20\n");

        var result = await _cli.RunAsync("hours", "set", "nmr-600", "--file", file);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("hours.txt, line 2: '8-20' is not hours", result.Err, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public void WeekGrid_OvernightIntervals_RunIntoTheNextDay()
    {
        var weekly = System.Text.Json.JsonDocument.Parse("""[{"day":"sunday","from":"20:00","to":"06:00"},{"day":"monday","from":"09:00","to":"24:00"}]""").RootElement;

        var days = WeekGrid.Minutes(weekly);

        Assert.Equal("00:00-06:00 09:00-24:00", WeekGrid.Intervals(days[0]));
        Assert.Equal("20:00-24:00", WeekGrid.Intervals(days[6]));
        Assert.Equal("closed", WeekGrid.Intervals(days[3]));
        Assert.Equal("██████···███████████████", WeekGrid.Row(days[0]));
    }

    [Fact]
    public async Task BlackoutAtALocalTimeThatDoesNotExist_IsRefusedBeforeSending()
    {
        _cli.Server.On(HttpMethod.Get, "instruments/ber-nmr", FakeApi.Answer.Ok(BerlinInstrument));

        // 2026-03-29 02:30 does not happen in Berlin: the clocks go from 02:00 to 03:00.
        var result = await _cli.RunAsync("blackouts", "add", "ber-nmr", "--local-start", "2026-03-29T02:30", "--local-end", "2026-03-29T05:00", "--reason", "service");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("does not exist in Europe/Berlin", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.Server.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task BlackoutInLabTime_IsSentAsTheInstant()
    {
        _cli.Server.On(HttpMethod.Get, "instruments/ber-nmr", FakeApi.Answer.Ok(BerlinInstrument));
        _cli.Server.On(HttpMethod.Post, "instruments/ber-nmr/blackouts", request => FakeApi.Answer.Json(201, request.Body!));

        var result = await _cli.RunAsync("blackouts", "add", "ber-nmr", "--local-start", "2026-07-01T08:00", "--local-end", "2026-07-01T12:00", "--reason", "service");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var body = _cli.Server.Requests.Last().Json;
        Assert.Equal(("2026-07-01T06:00:00Z", "2026-07-01T10:00:00Z"), ((string?)body["start"], (string?)body["end"]));
        Assert.NotNull(_cli.Server.Requests.Last().IdempotencyKey);
    }

    [Fact]
    public async Task ApprovePending_ApprovesEveryPendingBooking_OfEveryPage()
    {
        var pending = Samples.Booking.Replace("\"confirmed\"", "\"pending\"", StringComparison.Ordinal);
        _cli.Server.On(HttpMethod.Get, "bookings", request => request.QueryValue("cursor") is null
            ? FakeApi.Answer.Ok(Samples.Page("p2", pending.Replace("3f2b8c1e", "aaaaaaaa", StringComparison.Ordinal))) : FakeApi.Answer.Ok(Samples.Page(null, pending)));
        _cli.Server.On(HttpMethod.Post, "bookings/aaaaaaaa-8a4d-4a51-9d55-0c1f6f1e2a77/approve", FakeApi.Answer.Ok(Samples.Booking));
        _cli.Server.On(HttpMethod.Post, "bookings/3f2b8c1e-8a4d-4a51-9d55-0c1f6f1e2a77/approve", FakeApi.Answer.Ok(Samples.Booking));

        var result = await _cli.RunAsync("approve", "--pending");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("pending", _cli.Server.Requests[0].QueryValue("status"));
        Assert.Equal(2, _cli.Server.Requests.Count(r => r.Method == HttpMethod.Post));
        Assert.Contains("Approved 2 of 2.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportCsv_IsHeadedByTheApiFieldNames_AndQuotesWhatNeedsIt()
    {
        _cli.Server.On(HttpMethod.Get, "reports/statements", FakeApi.Answer.Ok(Samples.Page(null,
            """{"key":"tnu-catalysis","currency":"CNY","amount":1250.5,"minutes":600,"entries":3,"adjustments":0}""",
            """{"key":"Институт катализа, СО РАН","currency":"RUB","amount":99,"minutes":60,"entries":1,"adjustments":-10}""")));

        var result = await _cli.RunAsync("report", "statements", "--month", "2026-11", "--by", "institution", "--csv");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("2026-11", _cli.Server.Requests.Single().QueryValue("month"));
        Assert.Equal("institution", _cli.Server.Requests.Single().QueryValue("by"));
        Assert.Equal(
            "key,currency,amount,minutes,entries,adjustments\r\ntnu-catalysis,CNY,1250.5,600,3,0\r\n\"Институт катализа, СО РАН\",RUB,99,60,1,-10\r\n",
            result.Out);
    }

    public void Dispose() => _cli.Dispose();
}
