using System.Net;
using System.Net.Http.Headers;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>The gateway serves the built web app: files, index.html for the app's routes, security headers.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebAppHostingTests(ApiFixture api) : IDisposable
{
    private const string Index = "<!doctype html><title>LabScheduler</title><div id=app></div>";
    private readonly string _root = Directory.CreateTempSubdirectory("labsched-web-").FullName;

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _gateway;

    public void Dispose()
    {
        _gateway?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private HttpClient Gateway(bool withApp)
    {
        if (withApp)
        {
            File.WriteAllText(Path.Combine(_root, "index.html"), Index);
            Directory.CreateDirectory(Path.Combine(_root, "assets"));
            File.WriteAllText(Path.Combine(_root, "assets", "app-3f2a9c.js"), "console.log('app')");
            File.WriteAllText(Path.Combine(_root, "favicon.svg"), "<svg/>");
        }

        _gateway = api.NewGateway(new Dictionary<string, string> { ["Web:Root"] = _root });
        return _gateway.CreateClient();
    }

    private static HttpRequestMessage Browser(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        return request;
    }

    [Fact]
    public async Task Root_FromABrowserWithTheAppBuilt_ReturnsIndexHtmlUncached()
    {
        using var client = Gateway(withApp: true);

        var response = await client.SendAsync(Browser("/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Index, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, "index.html must be revalidated");
    }

    [Theory]
    [InlineData("/book/xian-nmr-600")]
    [InlineData("/labs/xian-nmr/instruments")]
    [InlineData("/check-in/xian-nmr-600")]
    public async Task AppRoute_FromABrowser_FallsBackToIndexHtml(string path)
    {
        using var client = Gateway(withApp: true);

        var response = await client.SendAsync(Browser(path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Index, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/no-such-thing")]
    [InlineData("/health/nothing")]
    [InlineData("/metrics/extra")]
    public async Task ServerPath_FromABrowser_StaysA404Problem(string path)
    {
        using var client = Gateway(withApp: true);

        await (await client.SendAsync(Browser(path))).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task AppRoute_WithoutHtmlInAccept_StaysA404Problem()
    {
        using var client = Gateway(withApp: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/book/xian-nmr-600");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        await (await client.SendAsync(request)).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Root_WithoutABuiltApp_IsA404Problem()
    {
        using var client = Gateway(withApp: false);

        await (await client.SendAsync(Browser("/"))).Expect(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task HashedAsset_IsCachedImmutable_OtherFilesRevalidate()
    {
        using var client = Gateway(withApp: true);

        var asset = await client.GetAsync("/assets/app-3f2a9c.js");
        var icon = await client.GetAsync("/favicon.svg");

        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("console.log('app')", await asset.Content.ReadAsStringAsync());
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(365), asset.Headers.CacheControl?.MaxAge);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.True(icon.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task EveryAnswer_CarriesTheSecurityHeaders()
    {
        using var client = Gateway(withApp: true);

        foreach (var response in new[] { await client.SendAsync(Browser("/")), await client.GetAsync("/api/v1/me"), await client.GetAsync("/assets/app-3f2a9c.js") })
        {
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.StartsWith("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("img-src 'self' data:", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        }
    }
}
