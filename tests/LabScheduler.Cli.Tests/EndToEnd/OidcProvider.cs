using System.Diagnostics;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>tests/oidc-provider (node oidc-provider, device flow on) in a child process; npm ci first when its packages are missing.</summary>
internal sealed class OidcProvider : IAsyncDisposable
{
    private readonly Process _process;

    private OidcProvider(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OidcProvider> StartAsync(string users)
    {
        var folder = Path.Combine(Repository.Root, "tests", "oidc-provider");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(npm.ExitCode == 0, $"npm ci failed: {await output}{await errors}");
        }

        var process = Process.Start(new ProcessStartInfo("node", $"provider.mjs --port 0 --users {users}")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The OIDC provider exited before it was ready.");
                if (line.StartsWith("oidc-provider ready ", StringComparison.Ordinal))
                {
                    return new OidcProvider(process, line["oidc-provider ready ".Length..].Trim());
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>The repository's root folder, found from the test binaries.</summary>
internal static class Repository
{
    public static string Root
    {
        get
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
}
