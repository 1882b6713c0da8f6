using LabScheduler.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net.Sockets;
using LabScheduler.Integration.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// One stack per collection: a real silo on a fresh PostgreSQL database with the demo seed, the
/// gateway on a real TCP port (Kestrel) serving the built web app, and one headless Chromium
/// (Debian's /usr/bin/chromium, never a downloaded one).
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    private SiloHarness? _harness;
    private WebApplicationFactory<Program>? _gateway;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");


    public async Task InitializeAsync()
    {
        var webRoot = Path.Combine(Repository.Root, "client", "LabScheduler.Gateway", "wwwroot");
        if (!File.Exists(Path.Combine(webRoot, "index.html")))
        {
            throw new InvalidOperationException($"The web app is not built ({webRoot}): run client/LabScheduler.Web/build.sh (./test.sh does).");
        }

        // Screenshots for the docs show the demo with its six months of history (the dashboard is
        // empty without it); the tests themselves run on the demo alone.
        _harness = await SiloHarness.StartAsync("web", seedDemo: true,
            seedHistory: Environment.GetEnvironmentVariable("LABSCHED_SCREENSHOTS") is not null);
        var port = LoopbackPorts.Free();
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", _harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", _harness.Options.ClusterId);
            web.UseSetting("Auth:Mode", "demo");
            web.UseSetting("Auth:DevKeyFile", Path.Combine(Path.GetTempPath(), $"labsched-web-{Guid.NewGuid():N}.key"));
            web.UseSetting("Web:Root", webRoot);
            // The browser tests sign in many times from one loopback address.
            web.UseSetting("RateLimits:Anonymous:PermitLimit", "100000");
            web.UseSetting("RateLimits:PerAddress:PermitLimit", "100000");
        });
        _gateway.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        _gateway.StartServer();
        var addresses = _gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        BaseUrl = addresses?.FirstOrDefault(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal)) ?? $"http://127.0.0.1:{port}";

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (own storage) with a page on the app.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US", string timeZone = "Asia/Dushanbe", int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = locale,
            TimezoneId = timeZone,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>An HTTP client of the API signed in as <paramref name="userId"/> (dev token).</summary>
    public async Task<HttpClient> ApiAs(string userId)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
