using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli;

/// <summary>labsched: parses the command line (System.CommandLine), runs one command against the HTTP API, returns the exit code.</summary>
public static class Cli
{
    public const string ApiVariable = "LABSCHED_API";
    public const string DefaultApi = "http://127.0.0.1:5080";

    /// <summary>The first retry's delay (then doubling, with jitter); <c>LABSCHED_RETRY_DELAY_MS</c> changes it.</summary>
    public const string RetryDelayVariable = "LABSCHED_RETRY_DELAY_MS";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    /// <summary>Runs labsched with <paramref name="args"/>, standard input empty and neither stream a terminal (tests, scripts).</summary>
    public static Task<int> RunAsync(
        string[] args, HttpMessageHandler? handler, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment) =>
        RunAsync(args, handler, new CliIo(stdout, stderr, TextReader.Null), environment);

    /// <summary>
    /// Runs labsched with <paramref name="args"/>. Requests go through <paramref name="handler"/> when
    /// given (tests), else a new socket handler, always behind the retries; <paramref name="environment"/>
    /// supplies LABSCHED_API, LABSCHED_CONFIG, HOME and NO_COLOR.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, HttpMessageHandler? handler, CliIo io, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(environment);

        var globals = new GlobalOptions();
        var registry = new Dictionary<Command, CommandDef>();
        var root = CommandTree.Build(globals, registry, io.Out);
        var result = root.Parse(args);

        if (result.Action is not null and not ParseErrorAction and not CommandDef.RunsDefinition)
        {
            // --help, --version, [suggest] (tab completion): System.CommandLine's own actions.
            return await result.InvokeAsync(new InvocationConfiguration { Output = io.Out, Error = io.Err });
        }

        var path = CommandTree.PathOf(result.CommandResult);
        if (result.Errors.Count > 0 || !registry.TryGetValue(result.CommandResult.Command, out var definition) || definition.Run is null)
        {
            var error = result.Errors
                .OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0)
                .Select(e => e.Message)
                .FirstOrDefault() ?? "no command given";
            io.Err.WriteLine($"error: {error.TrimEnd('.')}");
            io.Err.WriteLine($"Run 'labsched {(path.Length > 0 ? path + " " : "")}--help' for the commands and their arguments.");
            return ExitCodes.Usage;
        }

        var parsed = new ParsedCommand(result, definition, path);
        var store = CredentialStore.For(environment);
        var stored = store.Load();
        Uri api;
        try
        {
            api = ApiUri(result.GetValue(globals.Api) ?? NonEmpty(environment, ApiVariable) ?? stored?.ApiUrl ?? DefaultApi);
        }
        catch (UsageException e)
        {
            return Usage(path, e, io.Err);
        }

        // The token goes only to the API it was issued for, never to another --api.
        var login = stored is not null && SameApi(stored.ApiUrl, api) ? stored : null;
        var transport = handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        // The test's handler belongs to the test, so it is not disposed with the client.
        using var http = new HttpClient(Retries.Around(transport, RetryDelay(environment)), disposeHandler: handler is null);
        http.Timeout = Timeout;
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"labsched/{typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}");

        var context = new CliContext(io, new Screen(io, environment), result.GetValue(globals.Json), result.GetValue(globals.Tz),
            new ApiClient(http, api, login?.AccessToken), store, login);
        try
        {
            return await definition.Run(context, parsed);
        }
        catch (UsageException e)
        {
            return Usage(path, e, io.Err);
        }
        catch (HttpRequestException e)
        {
            io.Err.WriteLine($"error: network: {e.Message} ({context.ApiText})");
            return ExitCodes.ServerOrNetwork;
        }
        catch (TaskCanceledException)
        {
            io.Err.WriteLine($"error: network: no answer from {context.ApiText} within {Timeout.TotalSeconds:0} s");
            return ExitCodes.ServerOrNetwork;
        }
        catch (JsonException e)
        {
            io.Err.WriteLine($"error: bad-response: the API's answer is not the JSON expected ({e.Message})");
            return ExitCodes.ServerOrNetwork;
        }
    }

    private static int Usage(string path, UsageException e, TextWriter stderr)
    {
        stderr.WriteLine($"error: {e.Message}");
        stderr.WriteLine($"Run 'labsched {path} --help' for details.");
        return ExitCodes.Usage;
    }

    private static TimeSpan RetryDelay(IDictionary<string, string?> environment) =>
        NonEmpty(environment, RetryDelayVariable) is { } text && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromMilliseconds(500);

    /// <summary>The API's base URL with a trailing slash; a trailing <c>/api/v1</c> is dropped (the client adds it).</summary>
    private static Uri ApiUri(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new UsageException($"the API URL '{text}' is not an http(s) URL such as {DefaultApi}");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^"/api/v1".Length];
        }

        return new UriBuilder(uri) { Path = path + "/" }.Uri;
    }

    private static bool SameApi(string stored, Uri api)
    {
        try
        {
            return ApiUri(stored) == api;
        }
        catch (UsageException)
        {
            return false;
        }
    }

    private static string? NonEmpty(IDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
