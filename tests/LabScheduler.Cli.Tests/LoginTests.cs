using System.Text.Json;

namespace LabScheduler.Cli.Tests;

/// <summary>The credentials file: written private, used as the bearer token, kept to its own API.</summary>
public sealed class LoginTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Login_DemoUser_WritesTheTokenFileWithMode600()
    {
        _cli.Server.On(HttpMethod.Post, "auth/dev-token", FakeApi.Answer.Ok("""{"accessToken":"jwt-alice","tokenType":"Bearer","expiresAt":"2026-12-01T10:00:00Z"}"""));

        var result = await _cli.RunAsync("login", "alice");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var request = _cli.Server.Requests.Single();
        Assert.Equal("alice", (string?)request.Json["userId"]);
        Assert.Null(request.Authorization);
        using var stored = JsonDocument.Parse(File.ReadAllText(_cli.CredentialsPath));
        Assert.Equal("jwt-alice", stored.RootElement.GetProperty("accessToken").GetString());
        Assert.Equal("alice", stored.RootElement.GetProperty("userId").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.CredentialsPath));
        }
    }

    [Fact]
    public async Task Login_Again_KeepsMode600()
    {
        await _cli.LoginAsync("alice", "first");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_cli.CredentialsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        }

        await _cli.LoginAsync("alice", "second");

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.CredentialsPath));
        }

        Assert.Contains("second", File.ReadAllText(_cli.CredentialsPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterLogin_RequestsCarryTheBearerToken()
    {
        await _cli.LoginAsync("alice", "jwt-alice");
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Samples.Lab1)));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("Bearer jwt-alice", _cli.Server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task StoredToken_IsNotSentToAnotherApi()
    {
        await _cli.LoginAsync("alice", "jwt-alice");
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Problem(401, "auth.unauthenticated", "No bearer token."));

        var result = await _cli.RunAsync("labs", "--api", "http://elsewhere.test");

        Assert.Equal(ExitCodes.Auth, result.Exit);
        Assert.Null(_cli.Server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task StoredApi_IsTheDefaultWhenNoneIsGiven()
    {
        await _cli.LoginAsync("alice", "jwt-alice");
        _cli.Environment.Remove("LABSCHED_API");
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null)));

        await _cli.RunAsync("labs");

        Assert.StartsWith(CliHarness.Api + "/api/v1/labs", _cli.Server.Requests.Last().Uri.ToString(), StringComparison.Ordinal);
        Assert.Equal("Bearer jwt-alice", _cli.Server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task Login_WithToken_ChecksItWithMeAndStoresTheUser()
    {
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Ok(Samples.Me));

        var result = await _cli.RunAsync("login", "--token", "oidc-jwt");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("Bearer oidc-jwt", _cli.Server.Requests.Single().Authorization);
        Assert.Contains("\"userId\": \"alice\"", File.ReadAllText(_cli.CredentialsPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithRefusedToken_StoresNothing()
    {
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Problem(401, "auth.unauthenticated", "The token is not valid."));

        var result = await _cli.RunAsync("login", "--token", "forged");

        Assert.Equal(ExitCodes.Auth, result.Exit);
        Assert.False(File.Exists(_cli.CredentialsPath));
    }

    [Fact]
    public async Task Login_UnknownUserOrNotDemo_ExitsFive()
    {
        _cli.Server.On(HttpMethod.Post, "auth/dev-token", FakeApi.Answer.Problem(404, "not-found", "No user 'nobody'."));

        var result = await _cli.RunAsync("login", "nobody");

        Assert.Equal(ExitCodes.NotFound, result.Exit);
        Assert.Contains("error: not-found: No user 'nobody'.", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.CredentialsPath));
    }

    [Fact]
    public async Task Logout_RemovesTheFile_AndLaterRequestsHaveNoToken()
    {
        await _cli.LoginAsync();
        _cli.Server.On(HttpMethod.Get, "me", FakeApi.Answer.Problem(401, "auth.unauthenticated", "No bearer token."));

        var logout = await _cli.RunAsync("logout");
        var whoami = await _cli.RunAsync("whoami");

        Assert.Equal(ExitCodes.Ok, logout.Exit);
        Assert.False(File.Exists(_cli.CredentialsPath));
        Assert.Equal(ExitCodes.Auth, whoami.Exit);
        Assert.Null(_cli.Server.Requests.Last().Authorization);
    }

    [Fact]
    public async Task BookingsMine_AsksForTheStoredUser()
    {
        await _cli.LoginAsync("alice");
        _cli.Server.On(HttpMethod.Get, "bookings", FakeApi.Answer.Ok(Samples.Page(null, Samples.Booking)));

        var result = await _cli.RunAsync("bookings", "--mine");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("alice", _cli.Server.Requests.Last().QueryValue("userId"));
    }

    public void Dispose() => _cli.Dispose();
}
