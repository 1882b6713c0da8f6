namespace LabScheduler.Cli.Tests;

/// <summary>book, cancel, approve, reject and bookings: what is sent and what is shown.</summary>
public sealed class BookingTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public BookingTests() =>
        _cli.Server.On(HttpMethod.Post, "bookings", FakeApi.Answer.Json(201, Samples.Booking, ("Location", "/api/v1/bookings/3f2b8c1e-8a4d-4a51-9d55-0c1f6f1e2a77")));

    [Fact]
    public async Task Book_WithoutKey_SendsANewGuidAsIdempotencyKey()
    {
        var first = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00+08:00", "--end", "2026-12-01T11:00+08:00");
        var second = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00+08:00", "--end", "2026-12-01T11:00+08:00");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (first.Exit, second.Exit));
        var keys = _cli.Server.Requests.Select(r => r.IdempotencyKey).ToList();
        Assert.All(keys, k => Assert.True(Guid.TryParse(k, out _)));
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public async Task Book_WithKey_SendsThatKeyAndTheBody()
    {
        var result = await _cli.RunAsync(
            "book", "nmr-600", "--team", "team-tj", "--local-start", "2026-12-01T09:00", "--local-end", "2026-12-01 11:00",
            "--purpose", "protein sample", "--idempotency-key", "run-42", "--tz", "Asia/Dushanbe");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var request = _cli.Server.Requests.Single();
        Assert.Equal("run-42", request.IdempotencyKey);
        Assert.Equal("Asia/Dushanbe", request.QueryValue("tz"));
        var body = request.Json;
        Assert.Equal("nmr-600", (string?)body["instrumentId"]);
        Assert.Equal("team-tj", (string?)body["teamId"]);
        Assert.Equal("2026-12-01T09:00:00", (string?)body["localStart"]);
        Assert.Equal("2026-12-01T11:00:00", (string?)body["localEnd"]);
        Assert.Equal("protein sample", (string?)body["purpose"]);
        Assert.False(body.ContainsKey("start"));
    }

    [Fact]
    public async Task Book_Instants_AreSentWithTheirOffsets()
    {
        await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00+08:00", "--end", "2026-12-01T03:00:00z");

        var body = _cli.Server.Requests.Single().Json;
        Assert.Equal("2026-12-01T09:00:00+08:00", (string?)body["start"]);
        Assert.Equal("2026-12-01T03:00:00Z", (string?)body["end"]);
    }

    [Fact]
    public async Task Book_Table_ShowsLabTimeAndYourTime()
    {
        var result = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00+08:00", "--end", "2026-12-01T11:00+08:00");

        Assert.Contains("3f2b8c1e-8a4d-4a51-9d55-0c1f6f1e2a77", result.Out, StringComparison.Ordinal);
        Assert.Contains("confirmed", result.Out, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 09:00 - 11:00 +08:00 (Asia/Shanghai)", result.Out, StringComparison.Ordinal);
        Assert.Contains("2026-12-01 06:00 - 08:00 +05:00 (Asia/Dushanbe)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Book_LostAnswer_TellsTheKeyToRetryWith()
    {
        _cli.Server.On(HttpMethod.Post, "bookings", FakeApi.Answer.Failure(new HttpRequestException("Connection reset")));

        var result = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--start", "2026-12-01T09:00+08:00", "--end", "2026-12-01T11:00+08:00",
            "--idempotency-key", "k-1");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Contains("--idempotency-key k-1", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cancel", "--reason", "sample not ready")]
    [InlineData("reject", "--reason", "sample not ready")]
    public async Task Transition_WithReason_PostsTheReason(string action, string option, string reason)
    {
        _cli.Server.On(HttpMethod.Post, $"bookings/b-1/{action}", FakeApi.Answer.Ok(Samples.Booking));

        var result = await _cli.RunAsync(action, "b-1", option, reason);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(reason, (string?)_cli.Server.Requests.Single().Json["reason"]);
    }

    [Fact]
    public async Task Approve_AlreadyDecided_ExitsSixWithTheCode()
    {
        _cli.Server.On(HttpMethod.Post, "bookings/b-1/approve", FakeApi.Answer.Problem(409, "booking.invalid-transition", "The booking is confirmed."));

        var result = await _cli.RunAsync("approve", "b-1");

        Assert.Equal(ExitCodes.Conflict, result.Exit);
        Assert.Contains("error: booking.invalid-transition: The booking is confirmed.", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bookings_PassesFiltersAndShowsTheRows()
    {
        _cli.Server.On(HttpMethod.Get, "bookings", FakeApi.Answer.Ok(Samples.Page(null, Samples.Booking)));

        var result = await _cli.RunAsync("bookings", "--instrument", "nmr-600", "--team", "team-tj", "--status", "confirmed", "--from", "2026-12-01", "--to", "2027-01-01");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var request = _cli.Server.Requests.Single();
        Assert.Equal("nmr-600", request.QueryValue("instrumentId"));
        Assert.Equal("team-tj", request.QueryValue("teamId"));
        Assert.Equal("confirmed", request.QueryValue("status"));
        Assert.Equal("2026-12-01", request.QueryValue("from"));
        Assert.Equal("2027-01-01", request.QueryValue("to"));
        Assert.Null(request.QueryValue("userId"));
        Assert.Contains("3f2b8c1e-8a4d-4a51-9d55-0c1f6f1e2a77", result.Out, StringComparison.Ordinal);
        Assert.Contains("protein sample", result.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
