using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// The Orleans dashboard behind the gateway (Orleans__Dashboard): administrators only, opened in a
/// browser through a cookie that carries their access token; nobody else sees a byte of it.
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private readonly string _devKey = Path.Combine(Path.GetTempPath(), $"labsched-dash-{Guid.NewGuid():N}.key");
    private SiloHarness _harness = null!;
    private WebApplicationFactory<Program> _gateway = null!;

    public async Task InitializeAsync()
    {
        _harness = await SiloHarness.StartAsync("dashboard", seedDemo: true, dashboard: true);
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", _harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", _harness.Options.ClusterId);
            web.UseSetting("Orleans:Dashboard", "true");
            web.UseSetting("Auth:Mode", "demo");
            web.UseSetting("Auth:DevKeyFile", _devKey);
            web.UseSetting("Web:Root", Path.Combine(Path.GetTempPath(), $"labsched-no-web-{Guid.NewGuid():N}"));
        });
    }

    [Fact]
    public async Task AnAdministrator_GetsTheCookie_AndWithItTheDashboardAndItsFigures()
    {
        var token = await Token("admin");
        using var browser = _gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        using var session = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/orleans-session");
        session.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var started = await browser.SendAsync(session);

        var answer = await started.Expect(HttpStatusCode.OK);
        Assert.Equal("/admin/orleans/", answer.Str("url"));
        var cookie = Assert.Single(started.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("labsched_orleans=", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/admin/orleans", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        // The browser now loads the page and polls its figures with nothing but the cookie.
        var page = await browser.GetAsync("/admin/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("index.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var version = await browser.GetAsync("/admin/orleans/version");
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        var stats = await browser.GetAsync("/admin/orleans/ClusterStats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task AResearcher_GetsNoCookie_AndHisTokenOpensNothing_NorDoesNoTokenAtAll()
    {
        var token = await Token("alice");
        using var browser = _gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var session = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/orleans-session");
        session.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var refused = await browser.SendAsync(session);
        await refused.Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        // Her token put into the cookie by hand, or sent as a header: still no dashboard.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/admin/orleans/ClusterStats");
        forged.Headers.Add("Cookie", $"labsched_orleans={token}");
        await (await browser.SendAsync(forged)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        using var header = new HttpRequestMessage(HttpMethod.Get, "/admin/orleans/");
        header.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await browser.SendAsync(header)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");

        await (await browser.GetAsync("/admin/orleans/")).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        using var garbage = new HttpRequestMessage(HttpMethod.Get, "/admin/orleans/version");
        garbage.Headers.Add("Cookie", "labsched_orleans=not-a-token");
        await (await browser.SendAsync(garbage)).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    private async Task<string> Token(string userId)
    {
        using var anonymous = _gateway.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ApiFixture.TokenResponse>())!.AccessToken;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _harness.DisposeAsync();
        File.Delete(_devKey);
    }
}
