using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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
        await using var provider = await TestOidcProvider.StartAsync();
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

    [Fact]
    public async Task OidcMode_TokenSignedByTheProvidersKey_IsRefusedUnlessTypIsAtJwtAndIssuerAndAudienceArePinnedValues()
    {
        // The provider signs with a key the test holds, so the test can sign tokens that break exactly one RFC 9068 rule.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        await using var provider = await TestOidcProvider.StartAsync(Jwks(rsa, key.KeyId));
        await using var harness = await SiloHarness.StartAsync("oidc-rfc9068");
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

/// <summary>tests/oidc-provider/provider.mjs in a child process (npm ci first when its packages are missing).</summary>
internal sealed class TestOidcProvider : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private TestOidcProvider(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public string Issuer { get; }

    /// <param name="jwks">The provider's signing keys (a JWK Set with private parts); null for its development keys.</param>
    public static async Task<TestOidcProvider> StartAsync(string? jwks = null)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(npm.ExitCode == 0, $"npm ci failed: {await output}{await errors}");
        }

        var start = new ProcessStartInfo("node", "provider.mjs --port 0 --users admin,alice")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        if (jwks is not null)
        {
            start.Environment["OIDC_JWKS"] = jwks;
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The OIDC provider exited before it was ready.");
                if (line.StartsWith("oidc-provider ready ", StringComparison.Ordinal))
                {
                    return new TestOidcProvider(process, line["oidc-provider ready ".Length..].Trim());
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async Task<string> ClientCredentialsTokenAsync(string clientId, string secret, string resource)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "api", ["resource"] = resource }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LabScheduler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LabScheduler.sln not found above the test binaries.");
    }
}
