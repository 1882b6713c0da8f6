using System.Diagnostics;
using LabScheduler.Testing;

namespace LabScheduler.Chaos;

/// <summary>The build a cluster process runs: the silo's and the gateway's Release output of one commit.</summary>
public sealed record ClusterBuild(string Name, string SiloDll, string GatewayDll)
{
    /// <summary>The variable that names the commit a rolling upgrade starts from (default HEAD~1).</summary>
    public const string UpgradeFromVariable = "LABSCHED_UPGRADE_FROM";

    /// <summary>How many old builds <c>.test-data/upgrade-builds</c> keeps.</summary>
    private const int KeptBuilds = 3;

    private const string SiloProject = "silo/LabScheduler.Silo/LabScheduler.Silo.csproj";
    private const string GatewayProject = "client/LabScheduler.Gateway/LabScheduler.Gateway.csproj";

    /// <summary>This working tree's build (what `dotnet build -c Release` of the chaos project built first).</summary>
    public static ClusterBuild Current { get; } = Under("this tree", Repository.Root);

    /// <summary>
    /// The build of the commit <see cref="UpgradeFromVariable"/> names (default <c>HEAD~1</c>): that commit's
    /// tree (<c>git archive</c>) built once into <c>.test-data/upgrade-builds/&lt;commit id&gt;</c> (silo and
    /// gateway projects only) and kept there, so a second run does not build again.
    /// </summary>
    public static Task<ClusterBuild> PreviousAsync(Action<string> log) =>
        BuildOfAsync(Environment.GetEnvironmentVariable(UpgradeFromVariable) is { Length: > 0 } named ? named : "HEAD~1", log);

    /// <summary>The build of <paramref name="reference"/> (a commit, tag or branch of this repository), cached as <see cref="PreviousAsync"/> says.</summary>
    public static async Task<ClusterBuild> BuildOfAsync(string reference, Action<string> log)
    {
        var root = Repository.Root;
        var (code, output) = await RunAsync(root, $"git rev-parse --verify --quiet {Quote(reference + "^{commit}")}");
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"The rolling-upgrade test starts from the build of '{reference}', which git cannot resolve in {root} "
                + $"(a shallow clone has no parent commit). Fetch the history (git fetch --unshallow) or set {UpgradeFromVariable} "
                + "to a commit, tag or branch this clone has.");
        }

        var commit = output.Trim();
        var cache = Path.Combine(root, ".test-data", "upgrade-builds");
        var tree = Path.Combine(cache, commit);
        var build = Under(commit[..12], tree);
        if (File.Exists(Path.Combine(tree, ".built")) && File.Exists(build.SiloDll) && File.Exists(build.GatewayDll))
        {
            log($"upgrade: from {reference} = {commit[..12]}, built before ({tree})");
            return build;
        }

        // Built in a folder of its own, renamed when complete: a run cut short never leaves half a build under the commit's name.
        Directory.CreateDirectory(cache);
        var partial = Path.Combine(cache, $"{commit}.partial-{Environment.ProcessId}");
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        var clock = Stopwatch.StartNew();
        var logFile = Path.Combine(cache, $"{commit}.build.log");
        // Analyzers and code style skipped (source generators, Orleans' among them, still run): that commit was checked
        // when it was made; only its binaries matter here, and the build is shorter without them.
        var flags = "-c Release -nologo -v q -tl:off -nodeReuse:false -p:RunAnalyzers=false -p:EnforceCodeStyleInBuild=false";
        (code, _) = await RunAsync(root,
            $"git archive {commit} | tar -x -C {Quote(partial)} && cd {Quote(partial)} "
            + $"&& dotnet build {SiloProject} {flags} && dotnet build {GatewayProject} {flags}",
            logFile);
        if (code != 0)
        {
            throw new InvalidOperationException($"Building {reference} ({commit[..12]}) failed with exit code {code}; see {logFile}.");
        }

        await File.WriteAllTextAsync(Path.Combine(partial, ".built"), commit + "\n");
        if (Directory.Exists(tree))
        {
            Directory.Delete(tree, recursive: true); // a half-built leftover of an older run
        }

        Directory.Move(partial, tree);

        // 114 MB each: keep the newest few (each commit's HEAD~1 is another).
        foreach (var stale in new DirectoryInfo(cache).GetDirectories().Where(d => !d.Name.Contains('.', StringComparison.Ordinal))
                     .OrderByDescending(d => d.LastWriteTimeUtc).Skip(KeptBuilds))
        {
            stale.Delete(recursive: true);
            File.Delete(Path.Combine(cache, $"{stale.Name}.build.log"));
        }
        log($"upgrade: from {reference} = {commit[..12]}, built in {clock.Elapsed.TotalSeconds:0} s ({tree})");
        return build;
    }

    private static ClusterBuild Under(string name, string tree) => new(
        name,
        Path.Combine(tree, "silo/LabScheduler.Silo/bin/Release/net10.0/LabScheduler.Silo.dll"),
        Path.Combine(tree, "client/LabScheduler.Gateway/bin/Release/net10.0/LabScheduler.Gateway.dll"));

    /// <summary>Runs <paramref name="script"/> with bash; its output goes to <paramref name="logFile"/> when given, else is returned.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string directory, string script, string? logFile = null)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");

        // Into a file, not a pipe: a compiler server the build leaves behind must not hold this process's pipe open.
        info.ArgumentList.Add(logFile is null ? $"set -o pipefail; {script}" : $"set -o pipefail; ( {script} ) >{Quote(logFile)} 2>&1");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en-US";
        info.Environment.Remove("LABSCHED_TRX");

        // What `dotnet test` set for its own MSBuild must not steer this build.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
