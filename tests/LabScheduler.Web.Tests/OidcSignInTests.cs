using System.Net;
using System.Text.Json;
using LabScheduler.Integration.Tests;
using LabScheduler.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// The web app in oidc mode against a real OpenID Connect provider (tests/oidc-provider): the
/// authorization-code flow with PKCE (S256) from the browser, and the API called with the
/// provider's access token. Its own stack: the gateway here runs with Auth:Mode=oidc.
/// </summary>
public sealed class OidcSignInTests
{
    private const string Audience = "urn:labscheduler:api";

    [Fact]
    public async Task OidcMode_SignInAtTheProvider_ComesBackSignedIn_AndCallsTheApiWithTheAccessToken()
    {
        var webRoot = Path.Combine(Repository.Root, "client", "LabScheduler.Gateway", "wwwroot");
        var port = LoopbackPorts.Free();
        var origin = $"http://127.0.0.1:{port}";
        // The app's registration: a public client, PKCE required by the provider, redirect back to the app's /sign-in.
        var clients = JsonSerializer.Serialize(new object[]
        {
            new
            {
                client_id = "labsched-web", token_endpoint_auth_method = "none", application_type = "web",
                grant_types = new[] { "authorization_code" }, response_types = new[] { "code" }, redirect_uris = new[] { $"{origin}/sign-in" },
            },
        });
        await using var provider = await OidcTestProvider.StartAsync("dana,admin", clients);
        await using var harness = await SiloHarness.StartAsync("web-oidc", seedDemo: true);
        await using var gateway = OidcGateway.Over(harness, provider.Issuer, Audience, web =>
        {
            web.UseSetting("Auth:ClientId", "labsched-web");
            web.UseSetting("Auth:Scope", "openid api");
            web.UseSetting("Web:Root", webRoot);
        });
        gateway.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        gateway.StartServer();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = origin, Locale = "en-US" });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();

        // Every API call the app makes after signing in, with the Authorization header it sent.
        var apiAuthorizations = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith($"{origin}/api/v1/me", StringComparison.Ordinal))
            {
                lock (apiAuthorizations)
                {
                    apiAuthorizations.Add(request.Headers.GetValueOrDefault("authorization"));
                }
            }
        };

        await page.GotoAsync("/");
        Assert.Equal(0, await page.Locator("button[data-user]").CountAsync()); // no demo user picker in oidc mode

        // The provider's login form (oidc-provider's development interaction), reached by an authorization request with an S256 challenge.
        var authorize = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in with your institution" }).ClickAsync(),
            r => r.Url.StartsWith($"{provider.Issuer}/auth", StringComparison.Ordinal));
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(authorize.Url).Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]?.Length);
        Assert.Equal("code", query["response_type"]);
        await page.WaitForURLAsync(url => url.StartsWith($"{provider.Issuer}/interaction/", StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync("dana");
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").First.ClickAsync();

        await page.WaitForURLAsync(url => url.StartsWith(origin, StringComparison.Ordinal));
        var signedInAs = page.GetByTestId("signed-in-as");
        await Assertions.Expect(signedInAs).ToBeVisibleAsync();
        var me = await page.EvaluateAsync<string>("() => sessionStorage.getItem('labsched.token')");
        Assert.NotNull(me);
        // The stored token is the provider's RFC 9068 access token for the API (three parts, at+jwt), not a demo token.
        var header = JsonDocument.Parse(Base64UrlDecode(me.Split('.')[0])).RootElement;
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        var claims = JsonDocument.Parse(Base64UrlDecode(me.Split('.')[1])).RootElement;
        Assert.Equal(provider.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("dana", claims.GetProperty("sub").GetString());
        lock (apiAuthorizations)
        {
            Assert.Contains($"Bearer {me}", apiAuthorizations);
        }

        // The name comes from the API's /me for the token's subject.
        using var api = new HttpClient { BaseAddress = new Uri(origin) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", me);
        var profile = JsonDocument.Parse(await api.GetStringAsync("/api/v1/me")).RootElement;
        await Assertions.Expect(signedInAs).ToHaveTextAsync(profile.GetProperty("displayName").GetString()!);
        Assert.Equal("dana", profile.GetProperty("id").GetString());
    }

    private static byte[] Base64UrlDecode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
