using System.Net;
using System.Text.RegularExpressions;
using LabScheduler.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Each image's build stage replayed without Docker (there is no engine on this machine): its
/// COPY lines copy exactly what they name from the repository (minus what .dockerignore leaves out)
/// into a scratch folder standing for /src, its RUN lines run there in order (restore from the
/// project files alone, then publish), and what it published then starts with the image's own
/// settings and becomes ready (the gateway with an in-process silo to reach). A Dockerfile that copies too little, or a project that no longer
/// publishes on its own, fails here instead of in somebody's image build.
/// </summary>
public sealed partial class DockerBuildStageTests
{
    [Theory]
    [InlineData("Dockerfile.silo", "LabScheduler.Silo.dll")]
    [InlineData("Dockerfile.gateway", "LabScheduler.Gateway.dll")]
    public async Task TheImagesBuildStage_Publishes_AndWhatItPublishesRuns(string dockerfile, string dll)
    {
        var scratch = Directory.CreateTempSubdirectory("labsched-image-");
        try
        {
            var src = Path.Combine(scratch.FullName, "src");
            var app = Path.Combine(scratch.FullName, "app");
            var (steps, environment) = BuildStage(File.ReadAllLines(Path.Combine(Repository.Root, "deploy", "docker", dockerfile)));
            Assert.Contains(steps, s => s.Kind == "RUN" && s.Text.Contains("dotnet restore", StringComparison.Ordinal));
            Assert.Contains(steps, s => s.Kind == "RUN" && s.Text.Contains("dotnet publish", StringComparison.Ordinal));
            Directory.CreateDirectory(src);
            foreach (var step in steps)
            {
                if (step.Kind == "COPY")
                {
                    Copy(step.Text, src);
                }
                else
                {
                    var command = step.Text.Replace("-o /app", $"-o {app}", StringComparison.Ordinal);
                    var (code, output) = await Run(command, src);
                    Assert.True(code == 0, $"RUN {command} failed ({code}):\n{output}");
                }
            }

            Assert.True(File.Exists(Path.Combine(app, dll)));
            // The gateway waits for a silo before it serves, so it gets one (in-process) on its database.
            await using var cluster = dll.Contains("Gateway", StringComparison.Ordinal) ? await SiloHarness.StartAsync("image") : null;
            await using var database = cluster is null ? await TestDatabase.CreateAsync("image") : null;
            var port = LoopbackPorts.Free();
            var settings = new Dictionary<string, string>(environment)
            {
                ["ConnectionStrings__LabScheduler"] = cluster?.Options.ConnectionString ?? database!.ConnectionString,
                ["Orleans__ClusterId"] = cluster?.Options.ClusterId ?? $"img-{Guid.NewGuid():N}"[..16],
            };
            Assert.Equal("Production", settings.GetValueOrDefault("DOTNET_ENVIRONMENT") ?? settings["ASPNETCORE_ENVIRONMENT"]);
            string probe;
            if (dll.Contains("Silo", StringComparison.Ordinal))
            {
                // The silo on its own: ready once it is Active and PostgreSQL answers.
                settings["Orleans__AdvertisedIp"] = "127.0.0.1";
                settings["Orleans__SiloPort"] = $"{LoopbackPorts.Free()}";
                settings["Orleans__GatewayPort"] = $"{LoopbackPorts.Free()}";
                settings["Health__Port"] = $"{port}";
                settings["Health__Address"] = "127.0.0.1";
                probe = $"http://127.0.0.1:{port}/health/ready";
            }
            else
            {
                // The gateway: ready once it reaches the silo and PostgreSQL.
                settings["ASPNETCORE_HTTP_PORTS"] = $"{port}";
                settings["Auth__Mode"] = "demo";
                settings["LABSCHED_DATA"] = scratch.FullName;
                probe = $"http://127.0.0.1:{port}/health/ready";
            }

            await using var process = ManagedProcess.Start("dotnet", [Path.Combine(app, dll)], settings, app, Path.Combine(scratch.FullName, "process.log"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            (await process.WaitForAnswerAsync(http, probe, r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(90))).Dispose();
            await process.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private sealed record Step(string Kind, string Text);

    /// <summary>The COPY and RUN steps of the stage named build (continuation lines joined), and the final stage's ENV.</summary>
    private static (List<Step> Steps, Dictionary<string, string> Environment) BuildStage(string[] lines)
    {
        var joined = new List<string>();
        var current = "";
        foreach (var raw in lines.Where(l => !l.TrimStart().StartsWith('#')))
        {
            current += raw.TrimEnd();
            if (current.EndsWith('\\'))
            {
                current = current[..^1] + " ";
                continue;
            }

            if (current.Trim().Length > 0)
            {
                joined.Add(current.Trim());
            }

            current = "";
        }

        var steps = new List<Step>();
        var environment = new Dictionary<string, string>();
        var stage = "";
        foreach (var line in joined)
        {
            var (kind, rest) = (line.Split(' ', 2)[0], line.Split(' ', 2).ElementAtOrDefault(1) ?? "");
            switch (kind)
            {
                case "FROM":
                    stage = rest.Split(" AS ", StringSplitOptions.TrimEntries).ElementAtOrDefault(1) ?? "";
                    break;
                case "COPY" when stage == "build":
                    steps.Add(new("COPY", rest));
                    break;
                case "RUN" when stage == "build":
                    steps.Add(new("RUN", Mount().Replace(rest, "").Trim()));
                    break;
                case "ENV" when stage == "final":
                    foreach (Match pair in EnvPair().Matches(rest))
                    {
                        environment[pair.Groups[1].Value] = pair.Groups[2].Value;
                    }

                    break;
            }
        }

        return (steps, environment);
    }

    /// <summary>COPY a b ... dest, relative to the repository (the build context) and to /src (the WORKDIR).</summary>
    private static void Copy(string arguments, string src)
    {
        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var destination = Path.Combine(src, parts[^1] == "./" ? "" : parts[^1]);
        foreach (var source in parts[..^1])
        {
            var from = Path.Combine(Repository.Root, source);
            if (Directory.Exists(from))
            {
                CopyTree(from, destination);
            }
            else
            {
                var target = parts[^1].EndsWith('/') ? Path.Combine(destination, Path.GetFileName(source)) : destination;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(from, target, overwrite: true);
            }
        }
    }

    /// <summary>A folder as the build context sends it: without what .dockerignore names (bin/, obj/, TestResults/, logs).</summary>
    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            if (!file.EndsWith(".log", StringComparison.Ordinal) && !file.EndsWith(".user", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "TestResults" or "node_modules")))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static async Task<(int Code, string Output)> Run(string command, string directory)
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"--mount=\S+")]
    private static partial Regex Mount();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
