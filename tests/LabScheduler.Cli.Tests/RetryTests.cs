
namespace LabScheduler.Cli.Tests;

/// <summary>
/// A 503 or a dropped connection is retried when repeating is safe: reads, and POSTs that carry an
/// Idempotency-Key, which the retry sends unchanged. A POST without a key is sent once.
/// </summary>
public sealed class RetryTests : IDisposable
{
    private readonly CliHarness _cli = new();

    private static FakeApi.Answer Unavailable => FakeApi.Answer.Json(503,
        """{"type":"about:blank","title":"Unavailable","status":503,"code":"unavailable","detail":"The cluster is not answering."}""", ("Retry-After", "0"));

    [Fact]
    public async Task Book_After503_IsRetriedWithTheSameKey_AndBooksOnce()
    {
        await _cli.LoginAsync();
        var attempts = 0;
        _cli.Server.On(HttpMethod.Post, "bookings", _ => ++attempts < 3 ? Unavailable : FakeApi.Answer.Json(201, Samples.Booking));

        var result = await _cli.RunAsync("book", "nmr-600", "--team", "team-tj", "--local-start", "2026-12-01T09:00", "--local-end", "2026-12-01T11:00");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var posts = _cli.Server.Requests.Where(r => r.Path == "/api/v1/bookings").ToList();
        Assert.Equal(3, posts.Count);
        Assert.Single(posts.Select(p => p.IdempotencyKey).Distinct());
        Assert.NotNull(posts[0].IdempotencyKey);
        Assert.Single(posts.Select(p => p.Body).Distinct());
    }

    [Fact]
    public async Task Read_AfterADroppedConnection_IsRetried()
    {
        var attempts = 0;
        _cli.Server.On(HttpMethod.Get, "labs", _ => ++attempts == 1
            ? FakeApi.Answer.Failure(new HttpRequestException("The response ended prematurely."))
            : FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab1)));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(2, _cli.Server.Requests.Count);
        Assert.Contains("lab-shanghai", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostWithoutKey_IsSentOnce()
    {
        _cli.Server.On(HttpMethod.Post, "bookings/b-1/cancel", Unavailable);

        var result = await _cli.RunAsync("cancel", "b-1");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Single(_cli.Server.Requests);
        Assert.Contains("error: unavailable:", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastingOutage_GivesUpAfterThreeRetries_WithExitEight()
    {
        _cli.Server.On(HttpMethod.Get, "labs", Unavailable);

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.ServerOrNetwork, result.Exit);
        Assert.Equal(1 + 3, _cli.Server.Requests.Count);
    }

    public void Dispose() => _cli.Dispose();
}
