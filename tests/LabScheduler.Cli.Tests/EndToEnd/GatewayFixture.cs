using LabScheduler.Gateway.Views;
using LabScheduler.Integration.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>
/// The real thing for labsched: the gateway in-process (WebApplicationFactory, demo auth) in front of
/// a real silo on a fresh PostgreSQL database with the demo seed. "Now" for the silo is Monday
/// 2026-11-30 00:00 UTC (SiloHarness).
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private SiloHarness? _harness;
    private WebApplicationFactory<UserResponse>? _gateway;

    public SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    // Any public type of the gateway names its assembly; its Program clashes with labsched's here.
    public WebApplicationFactory<UserResponse> Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public string DevKeyFile { get; } = Path.Combine(Path.GetTempPath(), $"labsched-cli-e2e-{Guid.NewGuid():N}.key");

    public async Task InitializeAsync()
    {
        _harness = await SiloHarness.StartAsync("cli", seedDemo: true);
        _gateway = new WebApplicationFactory<UserResponse>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", _harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", _harness.Options.ClusterId);
            web.UseSetting("Auth:Mode", "demo");
            web.UseSetting("Auth:DevKeyFile", DevKeyFile);
            // Every test of the collection signs in from the same (in-process: no) address; RateLimitTests set small limits themselves.
            web.UseSetting("RateLimits:Anonymous:PermitLimit", "100000");
            web.UseSetting("RateLimits:PerAddress:PermitLimit", "100000");
            web.UseSetting("Web:Root", Path.Combine(Path.GetTempPath(), $"labsched-no-web-{Guid.NewGuid():N}"));
        });
        using var probe = _gateway.CreateClient();
        Assert.True((await probe.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    /// <summary>A person at a shell: their own home folder and credentials file, labsched talking to this gateway.</summary>
    public Shell NewShell() => new(this);

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
}

/// <summary>One user's labsched: runs it in-process against the fixture's gateway with its own HOME.</summary>
public sealed class Shell(GatewayFixture fixture) : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("labsched-e2e-").FullName;

    public Dictionary<string, string?> Environment => new()
    {
        ["HOME"] = Home,
        ["LABSCHED_CONFIG"] = Path.Combine(Home, "credentials.json"),
        ["LABSCHED_API"] = "http://localhost",
        ["LABSCHED_RETRY_DELAY_MS"] = "0",
    };

    public async Task<CliHarness.Result> Run(params string[] args) => await RunWithInput(null, args);

    public async Task<CliHarness.Result> RunWithInput(string? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var exit = await Cli.RunAsync(args, fixture.Gateway.Server.CreateHandler(), new CliIo(stdout, stderr, input), Environment);
        return new CliHarness.Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and insists on exit 0, showing what went wrong otherwise.</summary>
    public async Task<string> Ok(params string[] args)
    {
        var result = await Run(args);
        Assert.True(result.Exit == 0, $"labsched {string.Join(' ', args)} exited {result.Exit}\n{result.Err}\n{result.Out}");
        return result.Out;
    }

    public async Task<System.Text.Json.JsonElement> Json(params string[] args) =>
        System.Text.Json.JsonDocument.Parse(await Ok(["--json", .. args])).RootElement.Clone();

    public string File(string name, byte[] content)
    {
        var path = Path.Combine(Home, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "cli-gateway";
}
