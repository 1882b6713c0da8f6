namespace LabScheduler.Cli.Tests;

/// <summary>Runs labsched in-process against a <see cref="FakeApi"/>, with its own credentials file in a temporary folder.</summary>
public sealed class CliHarness : IDisposable
{
    public const string Api = "http://gateway.test:5080";

    public CliHarness()
    {
        Folder = Directory.CreateTempSubdirectory("labsched-tests-").FullName;
        Environment = new Dictionary<string, string?>
        {
            ["LABSCHED_CONFIG"] = Path.Combine(Folder, "config", "credentials.json"),
            ["LABSCHED_API"] = Api,
            ["HOME"] = Folder,
            // Retries go on at once: the fake answers immediately, nothing is gained by waiting.
            ["LABSCHED_RETRY_DELAY_MS"] = "0",
        };
    }

    public FakeApi Server { get; } = new();

    public string Folder { get; }

    public Dictionary<string, string?> Environment { get; }

    public string CredentialsPath => Environment["LABSCHED_CONFIG"]!;

    public async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Cli.RunAsync(args, Server, stdout, stderr, Environment);
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with <paramref name="stdin"/> as standard input, and stdout / stderr taken for terminals as told.</summary>
    public async Task<Result> RunOnAsync(string? stdin, bool outIsTerminal, bool errIsTerminal, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var exit = await Cli.RunAsync(args, Server, new CliIo(stdout, stderr, input, outIsTerminal, errIsTerminal, Width: 160), Environment);
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Writes a file of raw bytes (a spreadsheet's export in its own encoding) and returns its path.</summary>
    public string File(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes a file in the test's folder and returns its path.</summary>
    public string File(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Signs in as <paramref name="userId"/> through the demo token endpoint.</summary>
    public async Task LoginAsync(string userId = "alice", string token = "token-of-alice")
    {
        Server.On(HttpMethod.Post, "auth/dev-token", FakeApi.Answer.Ok($$"""{"accessToken":"{{token}}","tokenType":"Bearer","expiresAt":"2026-12-01T10:00:00Z"}"""));
        var result = await RunAsync("login", userId);
        Assert.Equal(0, result.Exit);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    public sealed record Result(int Exit, string Out, string Err);
}
