namespace LabScheduler.Cli.Tests;

/// <summary>Tables for people, bodies unchanged for scripts, and every page of a list.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Json_PrintsTheBodyUnchanged()
    {
        _cli.Server.On(HttpMethod.Get, "instruments/nmr-600", FakeApi.Answer.Ok(Samples.Instrument));

        var result = await _cli.RunAsync("instrument", "nmr-600", "--json");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(Samples.Instrument + Environment.NewLine, result.Out);
    }

    [Fact]
    public async Task Instrument_Table_ShowsRatesRulesAndZone()
    {
        _cli.Server.On(HttpMethod.Get, "instruments/nmr-600", FakeApi.Answer.Ok(Samples.Instrument));

        var result = await _cli.RunAsync("instrument", "nmr-600");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("NMR 600 MHz", result.Out, StringComparison.Ordinal);
        Assert.Contains("Asia/Shanghai", result.Out, StringComparison.Ordinal);
        Assert.Contains("150 CNY", result.Out, StringComparison.Ordinal);
        Assert.Contains("slotMinutes", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labs_Table_ContainsTheValuesInAlignedColumns()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab1, Samples.Lab2)));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var lines = result.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("ID ", lines[0], StringComparison.Ordinal);
        Assert.Contains("lab-shanghai", lines[1], StringComparison.Ordinal);
        Assert.Contains("Shanghai Synchrotron Lab", lines[1], StringComparison.Ordinal);
        Assert.Contains("TJ, KZ", lines[1], StringComparison.Ordinal);
        Assert.Contains("Asia/Almaty", lines[2], StringComparison.Ordinal);
        var zoneColumn = lines[0].IndexOf("TIME ZONE", StringComparison.Ordinal);
        Assert.Equal(zoneColumn, lines[1].IndexOf("Asia/Shanghai", StringComparison.Ordinal));
        Assert.Equal(zoneColumn, lines[2].IndexOf("Asia/Almaty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Labs_WithNextCursor_RequestsTheNextPage()
    {
        _cli.Server.On(HttpMethod.Get, "labs", request => request.QueryValue("cursor") switch
        {
            null => FakeApi.Answer.Ok(Samples.Page("bGFiLXNoYW5naGFp", Samples.Lab1)),
            "bGFiLXNoYW5naGFp" => FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab2)),
            _ => FakeApi.Answer.Problem(400, "validation", "bad cursor"),
        });

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal([null, "bGFiLXNoYW5naGFp"], _cli.Server.Requests.Select(r => r.QueryValue("cursor")));
        Assert.Contains("lab-shanghai", result.Out, StringComparison.Ordinal);
        Assert.Contains("lab-almaty", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Labs_JsonOverSeveralPages_IsOneDocumentWithAllItems()
    {
        _cli.Server.On(HttpMethod.Get, "labs", request => request.QueryValue("cursor") is null
            ? FakeApi.Answer.Ok(Samples.Page("next-page", Samples.Lab1))
            : FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab2)));

        var result = await _cli.RunAsync("labs", "--json");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        using var document = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(["lab-shanghai", "lab-almaty"], document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, document.RootElement.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Labs_RepeatedCursor_StopsWithServerError()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page("same", Samples.Lab1)));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Equal(2, _cli.Server.Requests.Count);
    }

    [Fact]
    public async Task Instruments_PassesTheFilters()
    {
        _cli.Server.On(HttpMethod.Get, "instruments", FakeApi.Answer.Ok(Samples.Page(null, Samples.Instrument)));

        var result = await _cli.RunAsync("instruments", "--category", "nmr", "--lab", "lab-shanghai", "--member-state", "CN");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var request = _cli.Server.Requests.Single();
        Assert.Equal(("nmr", "lab-shanghai", "CN"), (request.QueryValue("category"), request.QueryValue("labId"), request.QueryValue("memberState")));
        Assert.Contains("100/150/300 CNY", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Free_PrintsEachIntervalInLabAndRequesterZone()
    {
        _cli.Server.On(HttpMethod.Get, "instruments/nmr-600/free", FakeApi.Answer.Ok("""
            {"instrumentId":"nmr-600","items":[
              {"start":"2026-12-01T00:00:00Z","end":"2026-12-01T04:00:00Z",
               "lab":{"timeZone":"Asia/Shanghai","start":"2026-12-01T08:00:00+08:00","end":"2026-12-01T12:00:00+08:00"},
               "requester":{"timeZone":"Asia/Dushanbe","start":"2026-12-01T05:00:00+05:00","end":"2026-12-01T09:00:00+05:00"}},
              {"start":"2026-12-01T14:00:00Z","end":"2026-12-01T18:00:00Z",
               "lab":{"timeZone":"Asia/Shanghai","start":"2026-12-01T22:00:00+08:00","end":"2026-12-02T02:00:00+08:00"},
               "requester":{"timeZone":"Asia/Dushanbe","start":"2026-12-01T19:00:00+05:00","end":"2026-12-01T23:00:00+05:00"}}]}
            """));

        var result = await _cli.RunAsync("free", "nmr-600", "--from", "2026-12-01", "--to", "2026-12-02T00:00+08:00", "--tz", "Asia/Dushanbe");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var request = _cli.Server.Requests.Single();
        Assert.Equal(("2026-12-01", "2026-12-02T00:00:00+08:00", "Asia/Dushanbe"), (request.QueryValue("from"), request.QueryValue("to"), request.QueryValue("tz")));
        Assert.Contains("LAB TIME (Asia/Shanghai)", result.Out, StringComparison.Ordinal);
        Assert.Contains("YOUR TIME (Asia/Dushanbe)", result.Out, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 08:00 - 12:00 +08:00", result.Out, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 05:00 - 09:00 +05:00", result.Out, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 22:00 - 2026-12-02 02:00 +08:00", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoami_ShowsTheUser()
    {
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Ok(Samples.Me));

        var result = await _cli.RunAsync("whoami");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("Alice Karimova", result.Out, StringComparison.Ordinal);
        Assert.Contains("team-tj", result.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
