namespace LabScheduler.Cli.Tests;

/// <summary>Bad command lines exit 2 and send nothing; help documents the exit codes.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("labs", "--no-such-option")]
    [InlineData("labs", "extra-argument")]
    [InlineData("instrument")]
    [InlineData("free", "nmr-600", "--from", "2026-12-01")]
    [InlineData("free", "nmr-600", "--from", "yesterday", "--to", "2026-12-02")]
    [InlineData("free", "nmr-600", "--from", "2026-02-30", "--to", "2026-03-02")]
    [InlineData("book", "nmr-600", "--start", "2026-12-01T09:00:00+08:00", "--end", "2026-12-01T11:00:00+08:00")]
    [InlineData("book", "nmr-600", "--team", "team-tj")]
    [InlineData("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00:00+08:00")]
    [InlineData("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00", "--end", "2026-12-01T11:00")]
    [InlineData("book", "nmr-600", "--team", "team-tj", "--local-start", "2026-12-01T09:00+08:00", "--local-end", "2026-12-01T11:00")]
    [InlineData("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00Z", "--end", "2026-12-01T11:00Z",
        "--local-start", "2026-12-01T09:00", "--local-end", "2026-12-01T11:00")]
    [InlineData("book", "nmr-600", "--team", "team-tj", "--team", "team-kz", "--start", "2026-12-01T09:00Z", "--end", "2026-12-01T11:00Z")]
    [InlineData("cancel", "--reason")]
    [InlineData("login", "alice", "--token", "jwt")]
    [InlineData("import", "users.csv")]
    [InlineData("import", "users.csv", "--kind", "planets")]
    [InlineData("labs", "--api", "ftp://example.org")]
    [InlineData("labs", "--json=yes")]
    public async Task Run_BadArguments_ExitsTwoAndSendsNothing(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.StartsWith("error: ", result.Err, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task Import_MissingFile_ExitsTwo()
    {
        var result = await _cli.RunAsync("import", Path.Combine(_cli.Folder, "absent.csv"), "--kind", "users");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("cannot read", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsCommandsAndEveryExitCode()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        foreach (var command in new[] { "login", "logout", "whoami", "labs", "instruments", "instrument", "free", "book", "cancel", "approve", "reject", "bookings", "import" })
        {
            Assert.Contains($"  {command} ", result.Out, StringComparison.Ordinal);
        }

        foreach (var code in new[] { "0  ok", "2  usage", "3  validation", "4  auth", "5  not found", "6  conflict", "7  refused", "8  server or network" })
        {
            Assert.Contains(code, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_OfOneCommand_ShowsItsUsage()
    {
        var result = await _cli.RunAsync("book", "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("labsched book <instrumentId> [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--team <T> (REQUIRED)", result.Out, StringComparison.Ordinal);
        Assert.Contains("POST /api/v1/bookings", result.Out, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task GlobalOptions_BeforeTheCommand_AreAccepted()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab1)));

        var result = await _cli.RunAsync("--api", "http://other.test:8080/api/v1/", "--json", "labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("http://other.test:8080/api/v1/labs", _cli.Server.Requests.Single().Uri.GetLeftPart(UriPartial.Path));
    }

    public void Dispose() => _cli.Dispose();
}
