using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// The gateway in-process (WebApplicationFactory) in front of a real silo on a fresh PostgreSQL
/// database seeded with the demo data set; signed-in HTTP clients per demo user.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private SiloHarness? _harness;
    private WebApplicationFactory<Program>? _gateway;

    public SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public WebApplicationFactory<Program> Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public string DevKeyFile { get; } = Path.Combine(Path.GetTempPath(), $"labsched-test-{Guid.NewGuid():N}.key");

    public async Task InitializeAsync()
    {
        _harness = await SiloHarness.StartAsync("api", seedDemo: true);
        _gateway = NewGateway();
        using var probe = _gateway.CreateClient();
        Assert.True((await probe.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    /// <summary>Another gateway process on the same cluster and database (as after a restart).</summary>
    /// <param name="settings">Settings over the fixture's own (for example Web:Root or Auth:Mode).</param>
    public WebApplicationFactory<Program> NewGateway(IReadOnlyDictionary<string, string>? settings = null) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("ConnectionStrings:LabScheduler", Harness.Options.ConnectionString);
        web.UseSetting("Orleans:ClusterId", Harness.Options.ClusterId);
        web.UseSetting("Auth:Mode", "demo");
        web.UseSetting("Auth:DevKeyFile", DevKeyFile);
        // Every test of the collection signs in from the same (in-process: no) address; RateLimitTests set small limits themselves.
        web.UseSetting("RateLimits:Anonymous:PermitLimit", "100000");
        web.UseSetting("RateLimits:PerAddress:PermitLimit", "100000");
        web.UseSetting("Web:Root", Path.Combine(Path.GetTempPath(), $"labsched-no-web-{Guid.NewGuid():N}"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            web.UseSetting(key, value);
        }
    });

    public HttpClient Anonymous() => Gateway.CreateClient();

    /// <summary>A client signed in as <paramref name="userId"/> through the dev-token endpoint.</summary>
    public async Task<HttpClient> As(string userId)
    {
        if (!_tokens.TryGetValue(userId, out var token))
        {
            using var anonymous = Anonymous();
            var response = await anonymous.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
            _tokens[userId] = token;
        }

        var client = Gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        File.Delete(DevKeyFile);
    }

    internal sealed record TokenResponse(string AccessToken);
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
