using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LabScheduler.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Auth__Mode=oidc against a real OpenID Connect provider (tests/oidc-provider, oidc-provider on
/// Node) on loopback: no dev tokens, and the provider's RFC 9068 access tokens are accepted.
/// </summary>
public sealed class OidcModeTests
{
    private const string Audience = "urn:labscheduler:api";

    [Fact]
    public async Task OidcMode_WithARealProvider_IssuesNoDevTokens_AndAcceptsTheProvidersAccessTokens()
    {
        await using var provider = await OidcTestProvider.StartAsync("admin,alice");
        await using var harness = await SiloHarness.StartAsync("oidc");
        await using var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", harness.Options.ClusterId);
            web.UseSetting("Auth:Mode", "oidc");
            web.UseSetting("Auth:Authority", provider.Issuer);
            web.UseSetting("Auth:Audience", Audience);
            web.UseSetting("Auth:RequireHttpsMetadata", "false");
        });
        using var http = gateway.CreateClient();

        var devToken = await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "admin" });
        Assert.Equal(HttpStatusCode.NotFound, devToken.StatusCode);

        using var noToken = await http.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);

        var token = await provider.ClientCredentialsTokenAsync("admin", "admin-secret", Audience);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await http.SendAsync(me);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("admin", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());

        // A token whose signature does not verify is refused.
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
    }
}
