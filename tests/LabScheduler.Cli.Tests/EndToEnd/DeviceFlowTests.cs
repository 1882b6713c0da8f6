using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using LabScheduler.Gateway.Views;
using LabScheduler.Integration.Tests;
using LabScheduler.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>
/// labsched login in oidc mode: the OAuth device flow (RFC 8628) against a real OpenID Connect provider
/// (node oidc-provider), with the gateway on a real port. The test plays the person: it opens the
/// address labsched prints, confirms the code and signs in on the provider's pages.
/// </summary>
public sealed partial class DeviceFlowTests
{
    private const string Audience = "urn:labscheduler:api";

    [Fact]
    public async Task Login_InOidcMode_SignsInThroughTheDeviceFlow()
    {
        await using var provider = await OidcTestProvider.StartAsync("admin,alice");
        await using var harness = await SiloHarness.StartAsync("cli-oidc", seedDemo: true);
        var port = LoopbackPorts.Free();
        await using var gateway = OidcGateway.Over(harness, provider.Issuer, Audience, web =>
        {
            web.UseSetting("Auth:ClientId", "labsched-web");
            web.UseSetting("Auth:Scope", "openid api");
            web.UseSetting("Web:Root", Path.Combine(Path.GetTempPath(), $"labsched-no-web-{Guid.NewGuid():N}"));
        });
        gateway.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        gateway.StartServer();
        var home = Directory.CreateTempSubdirectory("labsched-oidc-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home, ["LABSCHED_CONFIG"] = Path.Combine(home, "credentials.json"), ["LABSCHED_API"] = $"http://127.0.0.1:{port}",
        };
        try
        {
            var stderr = new WatchedWriter();
            using var stdout = new StringWriter();
            var login = Cli.RunAsync(["login"], handler: null, new CliIo(stdout, stderr, TextReader.Null), environment);

            var address = await stderr.Address.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.StartsWith(provider.Issuer, address, StringComparison.Ordinal);
            await SignInAtTheProviderAsync(address, "alice");

            Assert.Equal(ExitCodes.Ok, await login.WaitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("as alice", stdout.ToString(), StringComparison.Ordinal);
            using var whoami = new StringWriter();
            using var errors = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await Cli.RunAsync(["whoami"], null, whoami, errors, environment));
            Assert.Matches(@"(?m)^user\s+alice$", whoami.ToString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Login_InDemoMode_WithoutAUser_IsAUsageError_NotADeviceFlow()
    {
        await using var harness = await SiloHarness.StartAsync("cli-demo");
        await using var gateway = new WebApplicationFactory<UserResponse>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", harness.Options.ClusterId);
            web.UseSetting("Auth:Mode", "demo");
            web.UseSetting("Auth:DevKeyFile", Path.Combine(Path.GetTempPath(), $"labsched-cli-{Guid.NewGuid():N}.key"));
        });
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Cli.RunAsync(["login"], gateway.Server.CreateHandler(), stdout, stderr,
            new Dictionary<string, string?> { ["HOME"] = Path.GetTempPath(), ["LABSCHED_CONFIG"] = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json"), ["LABSCHED_API"] = "http://localhost" });

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("demo mode", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>What a person does in the browser: open the address, confirm the code, sign in (any password, the login is the user id).</summary>
    private static async Task SignInAtTheProviderAsync(string address, string user)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });
        var page = await browser.GetAsync(address);
        for (var step = 0; step < 8; step++)
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.True(page.IsSuccessStatusCode, html);
            if (html.Contains("Sign-in Success", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            var form = FormPattern().Match(html);
            Assert.True(form.Success, $"no form on the provider's page:\n{html}");
            var fields = new List<KeyValuePair<string, string>>();
            foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
            {
                var name = Attribute(input.Value, "name");
                if (name is null)
                {
                    continue;
                }

                var value = name switch { "login" => user, "password" => "any", _ => Attribute(input.Value, "value") ?? "" };
                fields.Add(new(name, WebUtility.HtmlDecode(value)));
            }

            var action = new Uri(page.RequestMessage!.RequestUri!, WebUtility.HtmlDecode(Attribute(form.Value, "action") ?? ""));
            page = await browser.PostAsync(action, new FormUrlEncodedContent(fields));
        }

        Assert.Fail("the provider never said the sign-in succeeded");
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\b{name}\s*=\s*""(?<v>[^""]*)""", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups["v"].Value : null;
    }

    [GeneratedRegex(@"<form\b[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();


    /// <summary>stderr of labsched, watched for the address it tells the person to open.</summary>
    private sealed class WatchedWriter : TextWriter
    {
        private readonly StringBuilder _line = new();
        private readonly ConcurrentQueue<string> _lines = new();

        public TaskCompletionSource<string> Address { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_line)
            {
                if (value != '\n')
                {
                    _line.Append(value);
                    return;
                }

                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                _lines.Enqueue(line);
                if (line.StartsWith("To sign in, open ", StringComparison.Ordinal))
                {
                    Address.TrySetResult(line["To sign in, open ".Length..].Trim());
                }
                else if (line.StartsWith("error:", StringComparison.Ordinal))
                {
                    Address.TrySetException(new InvalidOperationException(string.Join('\n', _lines)));
                }
            }
        }
    }
}
