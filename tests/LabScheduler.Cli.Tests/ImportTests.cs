using System.Text.Json;

namespace LabScheduler.Cli.Tests;

/// <summary>import: one POST per row, failures reported by line, re-runs safe.</summary>
public sealed class ImportTests : IDisposable
{
    private const string UsersCsv = """
        id,displayName,email,timeZone,memberState,roles
        alice,"Karimova, Alice",alice@example.org,Asia/Dushanbe,TJ,
        bad,"A name
        over two lines",not-an-email,Asia/Dushanbe,TJ,
        bob,Bob Li,bob@example.org,Asia/Shanghai,CN,admin

        carol,Carol Ivanova,carol@example.org,Europe/Minsk,BY,
        """;

    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Csv_WithABadRow_ReportsItsLineAndContinues()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => (string?)request.Json["id"] == "bad"
            ? FakeApi.Answer.Problem(400, "validation", "The request is not valid: email: is not an e-mail address",
                new Dictionary<string, string[]> { ["email"] = ["is not an e-mail address"] })
            : FakeApi.Answer.Json(201, request.Body!));

        var result = await _cli.RunAsync("import", _cli.File("users.csv", UsersCsv), "--kind", "users");

        Assert.Equal(ExitCodes.Validation, result.Exit);
        Assert.Equal(["alice", "bad", "bob", "carol"], _cli.Server.Requests.Select(r => (string?)r.Json["id"]));
        Assert.Contains("error: line 3 (bad): validation:", result.Err, StringComparison.Ordinal);
        Assert.Contains("  email: is not an e-mail address", result.Err, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^3\s+bad\s+failed\s+validation", result.Out);
        Assert.Matches(@"(?m)^5\s+bob\s+created", result.Out);
        Assert.Matches(@"(?m)^7\s+carol\s+created", result.Out);
        Assert.Contains("3 created, 1 failed", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_CellsBecomeTheApiBody()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));

        await _cli.RunAsync("import", _cli.File("users.csv", UsersCsv), "--kind", "users");

        var alice = _cli.Server.Requests[0].Json;
        Assert.Equal("Karimova, Alice", (string?)alice["displayName"]);
        Assert.False(alice.ContainsKey("roles"));
        Assert.Equal("A name\nover two lines", ((string?)_cli.Server.Requests[1].Json["displayName"])!.ReplaceLineEndings("\n"));
        Assert.Equal("admin", (string?)_cli.Server.Requests[2].Json["roles"]![0]);
    }

    [Fact]
    public async Task ExistingId_IsReportedAsExists_NotAsFailure()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => (string?)request.Json["id"] == "alice"
            ? FakeApi.Answer.Problem(409, "conflict.exists", "User 'alice' exists.")
            : FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("users.csv", "id,displayName,email,timeZone,memberState\nalice,Alice,a@x.org,Asia/Dushanbe,TJ\nbob,Bob,b@x.org,Asia/Shanghai,CN\n");

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Matches(@"(?m)^2\s+alice\s+exists", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task IdempotencyKeys_AreStableAcrossRunsAndDistinctPerRow()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("users.csv", UsersCsv);

        await _cli.RunAsync("import", file, "--kind", "users");
        var first = _cli.Server.Requests.Select(r => r.IdempotencyKey).ToList();
        _cli.Server.Requests.Clear();
        await _cli.RunAsync("import", file, "--kind", "users");
        var second = _cli.Server.Requests.Select(r => r.IdempotencyKey).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.All(first, k => Assert.False(string.IsNullOrEmpty(k)));
    }

    [Fact]
    public async Task ReplayedAnswer_IsReportedAsReplayed()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!, ("Idempotent-Replayed", "true")));
        var file = _cli.File("users.csv", "id,displayName,email,timeZone,memberState\nalice,Alice,a@x.org,Asia/Dushanbe,TJ\n");

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Matches(@"(?m)^2\s+alice\s+replayed", result.Out);
    }

    [Fact]
    public async Task Teams_AreCreatedThenGetTheirMembers()
    {
        _cli.Server.On(HttpMethod.Post, "teams", request => FakeApi.Answer.Json(201, request.Body!));
        _cli.Server.On(HttpMethod.Put, "teams/team-tj/members/alice", FakeApi.Answer.Ok("{}"));
        _cli.Server.On(HttpMethod.Put, "teams/team-tj/members/bob", FakeApi.Answer.Ok("{}"));
        var file = _cli.File("teams.csv", "id,name,institution,memberState,members\nteam-tj,Pamir Team,TNU,TJ,alice; bob\n");

        var result = await _cli.RunAsync("import", file, "--kind", "teams");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(
            ["POST /api/v1/teams", "PUT /api/v1/teams/team-tj/members/alice", "PUT /api/v1/teams/team-tj/members/bob"],
            _cli.Server.Requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.False(_cli.Server.Requests[0].Json.ContainsKey("members"));
    }

    [Fact]
    public async Task Instruments_ArePostedToTheirLabWithRatesAndRules()
    {
        _cli.Server.On(HttpMethod.Post, "labs/lab-shanghai/instruments", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("instruments.csv", """
            labId,id,name,category,currency,rateInternal,ratePartner,rateExternal,slotMinutes,requiresApproval
            lab-shanghai,nmr-600,NMR 600,nmr,CNY,100,150.5,300,30,yes
            lab-shanghai,nmr-400,NMR 400,nmr,CNY,cheap,150,300,,
            ,xrd-1,XRD,xrd,CNY,1,2,3,,
            """);

        var result = await _cli.RunAsync("import", file, "--kind", "instruments");

        Assert.Equal(ExitCodes.Validation, result.Exit);
        var body = _cli.Server.Requests.Single().Json;
        Assert.False(body.ContainsKey("labId"));
        Assert.Equal(150.5m, (decimal)body["rates"]!["partner"]!);
        Assert.Equal(30, (int)body["rules"]!["slotMinutes"]!);
        Assert.True((bool)body["rules"]!["requiresApproval"]!);
        Assert.Contains("error: line 3: validation: rateInternal: 'cheap' is not a number", result.Err, StringComparison.Ordinal);
        Assert.Contains("error: line 4: validation: labId: is required", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instruments_RulesPrefixColumn_SetsAnyRuleByName()
    {
        _cli.Server.On(HttpMethod.Post, "labs/lab-shanghai/instruments", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("instruments.csv", """
            labId,id,name,category,currency,rateInternal,ratePartner,rateExternal,rules.futureMinutes,rules.futureFlag,rules.capacity
            lab-shanghai,nmr-600,NMR 600,nmr,CNY,100,150,300,45,true,2
            """);

        var result = await _cli.RunAsync("import", file, "--kind", "instruments");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("", result.Err);
        var rules = _cli.Server.Requests.Single().Json["rules"]!;
        Assert.Equal(45, (int)rules["futureMinutes"]!);
        Assert.True((bool)rules["futureFlag"]!);
        Assert.Equal(2, (int)rules["capacity"]!);
    }

    [Fact]
    public async Task UnknownColumn_IsWarnedAbout()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("users.csv", "id,displayName,email,timeZone,memberState,shoeSize\nalice,Alice,a@x.org,Asia/Dushanbe,TJ,42\n");

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("warning: column 'shoeSize' is not used", result.Err, StringComparison.Ordinal);
        Assert.False(_cli.Server.Requests.Single().Json.ContainsKey("shoeSize"));
    }

    [Fact]
    public async Task Json_FileOfApiBodies_ReportsTheLineOfEachObject()
    {
        _cli.Server.On(HttpMethod.Post, "labs", request => (string?)request.Json["id"] == "lab-bad"
            ? FakeApi.Answer.Problem(400, "time.unknown-zone", "'Mars/Olympus' is not a time zone.")
            : FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("labs.json", """
            [
              {"id": "lab-shanghai", "name": "Shanghai", "hostInstitution": "SARI", "memberState": "CN",
               "timeZone": "Asia/Shanghai", "partnerStates": ["TJ"]},
              {"id": "lab-bad", "name": "Bad", "hostInstitution": "X", "memberState": "CN",
               "timeZone": "Mars/Olympus"},
              {"id": "lab-almaty", "name": "Almaty", "hostInstitution": "KazNU", "memberState": "KZ", "timeZone": "Asia/Almaty"}
            ]
            """);

        var result = await _cli.RunAsync("import", file, "--kind", "labs", "--json");

        Assert.Equal(ExitCodes.Validation, result.Exit);
        Assert.Equal(3, _cli.Server.Requests.Count);
        Assert.Contains("error: line 4 (lab-bad): time.unknown-zone:", result.Err, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(result.Out);
        Assert.Equal([2, 4, 6], report.RootElement.EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal(["created", "failed", "created"], report.RootElement.EnumerateArray().Select(r => r.GetProperty("result").GetString()));
        Assert.Equal("time.unknown-zone", report.RootElement[1].GetProperty("code").GetString());
    }

    [Fact]
    public async Task NetworkFailure_StopsTheImport()
    {
        _cli.Server.On(HttpMethod.Post, "users", FakeApi.Answer.Failure(new HttpRequestException("Connection refused")));

        var result = await _cli.RunAsync("import", _cli.File("users.csv", UsersCsv), "--kind", "users");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        // The first row is tried once and retried three times with the same key; the rest not at all.
        Assert.Equal(4, _cli.Server.Requests.Count);
        Assert.Single(_cli.Server.Requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.Contains("3 not attempted", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnclosedQuote_IsAUsageError()
    {
        var file = _cli.File("users.csv", "id,displayName\nalice,\"Alice\n");

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("line 2", result.Err, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    public void Dispose() => _cli.Dispose();
}
