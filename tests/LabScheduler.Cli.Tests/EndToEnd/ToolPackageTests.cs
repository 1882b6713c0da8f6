using System.Diagnostics;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>
/// labsched is a .NET tool: <c>dotnet pack</c> makes the package and <c>dotnet tool install</c>
/// installs it from a folder, as the README says; the installed command runs. Installed into a
/// temporary tool path from a package source of only that folder, built in a folder of its own.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("labsched-tool-").FullName;

    [Fact]
    public async Task Pack_ThenToolInstall_GivesAWorkingLabschedCommand()
    {
        var version = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var packages = Path.Combine(_work, "packages");
        var project = Path.Combine(Repository.Root, "client", "LabScheduler.Cli", "LabScheduler.Cli.csproj");

        await Dotnet("pack", project, "-c", "Release", "-o", packages, "--artifacts-path", Path.Combine(_work, "artifacts"), $"-p:Version={version}", "-nologo", "-tl:off");
        Assert.True(File.Exists(Path.Combine(packages, $"labsched.{version}.nupkg")), string.Join(", ", Directory.GetFiles(packages)));

        // Only the folder as a source: nothing is looked up anywhere else.
        var config = Path.Combine(_work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var tools = Path.Combine(_work, "tools");
        await Dotnet("tool", "install", "labsched", "--tool-path", tools, "--add-source", packages, "--configfile", config, "--version", version);

        var labsched = Path.Combine(tools, OperatingSystem.IsWindows() ? "labsched.exe" : "labsched");
        var shown = await Run(labsched, "--version");
        Assert.StartsWith(version, shown.Out, StringComparison.Ordinal);
        var help = await Run(labsched, "--help");
        Assert.Contains("labsched [command] [options]", help.Out, StringComparison.Ordinal);
        var usage = await Run(labsched, "frobnicate");
        Assert.Equal(ExitCodes.Usage, usage.Exit);
        Assert.StartsWith("error: ", usage.Err, StringComparison.Ordinal);
    }

    private static async Task Dotnet(params string[] args)
    {
        var result = await Run("dotnet", args);
        Assert.True(result.Exit == 0, $"dotnet {string.Join(' ', args)} exited {result.Exit}\n{result.Out}\n{result.Err}");
    }

    private static async Task<(int Exit, string Out, string Err)> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        return (process.ExitCode, await output, await errors);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
