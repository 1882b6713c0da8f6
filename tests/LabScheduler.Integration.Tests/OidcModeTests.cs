using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LabScheduler.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

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
        await using var gateway = OidcGateway.Over(harness, provider.Issuer, Audience);
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

    [Fact]
    public async Task OidcMode_TokenSignedByTheProvidersKey_IsRefusedUnlessTypIsAtJwtAndIssuerAndAudienceArePinnedValues()
    {
        // The provider signs with a key the test holds, so the test can sign tokens that break exactly one RFC 9068 rule.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        await using var provider = await OidcTestProvider.StartAsync("admin,alice", jwks: Jwks(rsa, key.KeyId));
        await using var harness = await SiloHarness.StartAsync("oidc-rfc9068");
        await using var gateway = OidcGateway.Over(harness, provider.Issuer, Audience);
        using var http = gateway.CreateClient();
        var credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);

        async Task<HttpStatusCode> Me(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        string Sign(string typ, string issuer, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ,
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = "admin", ["client_id"] = "admin", ["scope"] = "api" },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = credentials,
        });

        // The provider's own token, and one the test signs by the rules: both accepted (so the refusals below are for the rule broken).
        Assert.Equal(HttpStatusCode.OK, await Me(await provider.ClientCredentialsTokenAsync("admin", "admin-secret", Audience)));
        Assert.Equal(HttpStatusCode.OK, await Me(Sign("at+jwt", provider.Issuer, Audience)));

        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Sign("JWT", provider.Issuer, Audience)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Sign("at+jwt", provider.Issuer, "urn:someone-else:api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Me(Sign("at+jwt", "http://127.0.0.1:1/not-the-issuer", Audience)));
    }

    private static string Jwks(System.Security.Cryptography.RSA rsa, string kid)
    {
        var p = rsa.ExportParameters(includePrivateParameters: true);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["kid"] = kid, ["alg"] = "RS256", ["use"] = "sig",
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus!), ["e"] = Base64UrlEncoder.Encode(p.Exponent!),
                    ["d"] = Base64UrlEncoder.Encode(p.D!), ["p"] = Base64UrlEncoder.Encode(p.P!), ["q"] = Base64UrlEncoder.Encode(p.Q!),
                    ["dp"] = Base64UrlEncoder.Encode(p.DP!), ["dq"] = Base64UrlEncoder.Encode(p.DQ!), ["qi"] = Base64UrlEncoder.Encode(p.InverseQ!),
                },
            },
        });
    }
}
