using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LabScheduler.Testing;

/// <summary>
/// tests/oidc-provider/provider.mjs (node oidc-provider: authorization code with PKCE, device flow,
/// client credentials) in a child process on a free loopback port; npm ci first when its packages are missing.
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private OidcTestProvider(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    /// <summary>The issuer (the gateway's Auth:Authority), e.g. http://127.0.0.1:40123.</summary>
    public string Issuer { get; }

    /// <summary>
    /// Starts the provider. <paramref name="users"/>: the logins its sign-in form accepts (comma-separated).
    /// <paramref name="clientsJson"/>: its client registrations (oidc-provider metadata) instead of the defaults in tests/oidc-provider/README.md.
    /// </summary>
    /// <param name="jwks">The provider's signing keys (a JWK Set with private parts), so a test can sign tokens with them; null for its development keys.</param>
    public static async Task<OidcTestProvider> StartAsync(string users = "admin", string? clientsJson = null, string? jwks = null)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {folder}: {await output}{await errors}");
            }
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "provider.mjs", "--port", "0", "--users", users })
        {
            start.ArgumentList.Add(argument);
        }

        if (clientsJson is not null)
        {
            start.ArgumentList.Add("--clients");
            start.ArgumentList.Add(clientsJson);
        }

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
                    return new OidcTestProvider(process, line["oidc-provider ready ".Length..].Trim());
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

    /// <summary>A client-credentials access token for <paramref name="resource"/>; its sub is the client id.</summary>
    public async Task<string> ClientCredentialsTokenAsync(string clientId, string secret, string resource)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "api", ["resource"] = resource }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The provider refused a client-credentials token ({(int)response.StatusCode}): {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()
            ?? throw new HttpRequestException($"The provider's answer has no access_token: {body}");
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
