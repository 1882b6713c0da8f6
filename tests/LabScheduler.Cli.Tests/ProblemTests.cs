namespace LabScheduler.Cli.Tests;

/// <summary>API problems become 'error: code: detail' on stderr and the exit code of their status.</summary>
public sealed class ProblemTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData(400, "validation", ExitCodes.Validation)]
    [InlineData(400, "time.unknown-zone", ExitCodes.Validation)]
    [InlineData(401, "auth.unauthenticated", ExitCodes.Auth)]
    [InlineData(403, "auth.forbidden", ExitCodes.Auth)]
    [InlineData(403, "auth.not-team-member", ExitCodes.Auth)]
    [InlineData(404, "not-found", ExitCodes.NotFound)]
    [InlineData(409, "booking.conflict", ExitCodes.Conflict)]
    [InlineData(409, "conflict.exists", ExitCodes.Conflict)]
    [InlineData(422, "booking.off-grid", ExitCodes.Refused)]
    [InlineData(422, "quota.exceeded", ExitCodes.Refused)]
    [InlineData(422, "time.nonexistent-local", ExitCodes.Refused)]
    [InlineData(500, "internal", ExitCodes.ServerOrNetwork)]
    [InlineData(503, "unavailable", ExitCodes.ServerOrNetwork)]
    public async Task Problem_OfEachStatus_MapsToItsExitCodeAndPrintsCodeAndDetail(int status, string code, int exit)
    {
        _cli.Server.On(HttpMethod.Post, "bookings", FakeApi.Answer.Problem(status, code, "The detail of it."));

        var result = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--local-start", "2026-12-01T09:00", "--local-end", "2026-12-01T11:00");

        Assert.Equal(exit, result.Exit);
        Assert.Contains($"error: {code}: The detail of it.", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Validation_PrintsEachFieldError()
    {
        _cli.Server.On(HttpMethod.Post, "bookings", FakeApi.Answer.Problem(400, "validation", "The request is not valid.",
            new Dictionary<string, string[]> { ["end"] = ["must be after start"], ["teamId"] = ["is required", "is not an id"] }));

        var result = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T11:00:00+08:00", "--end", "2026-12-01T09:00:00+08:00");

        Assert.Equal(ExitCodes.Validation, result.Exit);
        Assert.Contains("error: validation: The request is not valid.", result.Err, StringComparison.Ordinal);
        Assert.Contains("  end: must be after start", result.Err, StringComparison.Ordinal);
        Assert.Contains("  teamId: is required", result.Err, StringComparison.Ordinal);
        Assert.Contains("  teamId: is not an id", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Problem_WithJson_PrintsTheProblemDocumentOnStdoutToo()
    {
        var problem = FakeApi.Answer.Problem(404, "not-found", "No instrument 'xyz'.");
        _cli.Server.On(HttpMethod.Get, "instruments/xyz", problem);

        var result = await _cli.RunAsync("instrument", "xyz", "--json");

        Assert.Equal(ExitCodes.NotFound, result.Exit);
        Assert.Equal(problem.Body + Environment.NewLine, result.Out);
        Assert.Contains("error: not-found: No instrument 'xyz'.", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonProblemError_IsReportedByStatus()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Text(502, "<html>Bad Gateway</html>"));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Contains("error: http-502:", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkFailure_ExitsEight()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Failure(new HttpRequestException("Connection refused")));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Contains("error: network: Connection refused", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessThatIsNotJson_ExitsEight()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Text(200, "<html>captive portal</html>"));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Contains("error: bad-response:", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthenticated_HintsAtLogin()
    {
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Problem(401, "auth.unauthenticated", "No bearer token."));

        var result = await _cli.RunAsync("whoami");

        Assert.Equal(ExitCodes.Auth, result.Exit);
        Assert.Contains("labsched login", result.Err, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
