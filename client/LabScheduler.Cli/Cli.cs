using System.Reflection;
using System.Text.Json;
using LabScheduler.Cli.Auth;
using LabScheduler.Cli.Availability;
using LabScheduler.Cli.Bookings;
using LabScheduler.Cli.Catalog;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Import;

namespace LabScheduler.Cli;

/// <summary>labsched: parses the command line, runs one command against the HTTP API, returns the exit code.</summary>
public static class Cli
{
    public const string ApiVariable = "LABSCHED_API";
    public const string DefaultApi = "http://127.0.0.1:5080";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    private static readonly IReadOnlyList<CommandSpec> Commands =
    [
        .. AuthCommands.Specs,
        .. CatalogCommands.Specs,
        FreeCommand.Spec,
        .. BookingCommands.Specs,
        ImportCommand.Spec,
        new("help", "help [command]", "this help, or a command's", ["command"], 0, [], [], "", (_, _) => Task.FromResult(ExitCodes.Ok)),
    ];

    /// <summary>
    /// Runs labsched with <paramref name="args"/>. Requests go through <paramref name="handler"/> when
    /// given (tests), else a new socket handler; output goes to the writers; <paramref name="environment"/>
    /// supplies LABSCHED_API, LABSCHED_CONFIG and HOME.
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, HttpMessageHandler? handler, TextWriter stdout, TextWriter stderr, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(environment);

        ParsedCommand parsed;
        try
        {
            parsed = ParsedCommand.Parse(args, Find);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run 'labsched --help' for the commands and their arguments.");
            return ExitCodes.Usage;
        }

        if (parsed.Has(GlobalOptions.Version))
        {
            stdout.WriteLine($"labsched {typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"}");
            return ExitCodes.Ok;
        }

        if (parsed.Spec is { Name: "help" })
        {
            return Help(parsed.Positionals.Count == 0 ? null : Find(parsed.Positional(0)), parsed.Positionals.FirstOrDefault(), stdout, stderr);
        }

        if (parsed.Has(GlobalOptions.Help))
        {
            return Help(parsed.Spec, null, stdout, stderr);
        }

        if (parsed.Spec is null)
        {
            stderr.WriteLine("error: no command given");
            Help(null, null, stderr, stderr);
            return ExitCodes.Usage;
        }

        var spec = parsed.Spec;
        var store = CredentialStore.For(environment);
        var stored = store.Load();
        Uri api;
        try
        {
            api = ApiUri(parsed.Value(GlobalOptions.Api) ?? NonEmpty(environment, ApiVariable) ?? stored?.ApiUrl ?? DefaultApi);
        }
        catch (UsageException e)
        {
            return Usage(spec, e, stderr);
        }

        // The token goes only to the API it was issued for, never to another --api.
        var login = stored is not null && SameApi(stored.ApiUrl, api) ? stored : null;
        using var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout;
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"labsched/{typeof(Cli).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}");

        var context = new CliContext(stdout, stderr, parsed.Has(GlobalOptions.Json), parsed.Value(GlobalOptions.Tz),
            new ApiClient(http, api, login?.AccessToken), store, login);
        try
        {
            return await spec.RunAsync(context, parsed);
        }
        catch (UsageException e)
        {
            return Usage(spec, e, stderr);
        }
        catch (HttpRequestException e)
        {
            stderr.WriteLine($"error: network: {e.Message} ({context.ApiText})");
            return ExitCodes.ServerOrNetwork;
        }
        catch (TaskCanceledException)
        {
            stderr.WriteLine($"error: network: no answer from {context.ApiText} within {Timeout.TotalSeconds:0} s");
            return ExitCodes.ServerOrNetwork;
        }
        catch (JsonException e)
        {
            stderr.WriteLine($"error: bad-response: the API's answer is not the JSON expected ({e.Message})");
            return ExitCodes.ServerOrNetwork;
        }
    }

    private static CommandSpec? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    private static int Usage(CommandSpec spec, UsageException e, TextWriter stderr)
    {
        stderr.WriteLine($"error: {e.Message}");
        stderr.WriteLine($"usage: labsched {spec.Usage}");
        stderr.WriteLine($"Run 'labsched {spec.Name} --help' for details.");
        return ExitCodes.Usage;
    }

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

    private static int Help(CommandSpec? spec, string? asked, TextWriter writer, TextWriter stderr)
    {
        if (asked is not null && spec is null)
        {
            stderr.WriteLine($"error: unknown command '{asked}'");
            return ExitCodes.Usage;
        }

        if (spec is not null)
        {
            writer.WriteLine($"usage: labsched {spec.Usage}");
            writer.WriteLine();
            writer.WriteLine(spec.Summary[..1].ToUpperInvariant() + spec.Summary[1..] + ".");
            if (spec.Details.Length > 0)
            {
                writer.WriteLine();
                writer.WriteLine(spec.Details.TrimEnd());
            }

            writer.WriteLine();
            writer.WriteLine("Global options: --api URL, --json, --tz ZONE, -h/--help. Exit codes: see 'labsched --help'.");
            return ExitCodes.Ok;
        }

        writer.WriteLine("labsched: the command line of LabScheduler (shared instruments of joint labs).");
        writer.WriteLine("It talks only to the LabScheduler HTTP API (/api/v1).");
        writer.WriteLine();
        writer.WriteLine("usage: labsched [--api URL] [--json] [--tz ZONE] <command> [arguments]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        var width = Commands.Max(c => c.Name.Length);
        foreach (var command in Commands)
        {
            writer.WriteLine($"  {command.Name.PadRight(width)}  {command.Summary}");
            writer.WriteLine($"  {new string(' ', width)}    labsched {command.Usage}");
        }

        writer.WriteLine(
            $$"""

            Global options:
              --api URL   the gateway; default ${{ApiVariable}}, else the API of the stored login,
                          else {{DefaultApi}}
              --json      print the API's JSON response bodies unchanged, one document per run
                          (lists: all pages' items in one {"items":[...],"next":null}; errors:
                          the problem document), for scripts
              --tz ZONE   IANA zone for "your time" (free, book, bookings, cancel, approve,
                          reject); default: the zone in your user profile
              -h, --help  this help; 'labsched <command> --help' for one command
              --version   the version of labsched

            Environment and files:
              {{ApiVariable}}      the API URL when --api is not given
              {{CredentialStore.ConfigVariable}}   the credentials file (default ~/.labsched/credentials.json,
                                mode 600); its token is sent only to the API it was issued for

            Times: instants carry an offset (2026-12-01T09:00:00+08:00 or ...Z); --local-* times
            have none and are read in the lab's zone; dates are yyyy-MM-dd.

            Errors go to stderr as 'error: <code>: <detail>' (the API's stable code), with one
            '  <field>: <message>' line per validation error.

            Exit codes:
              0  ok
              2  usage error: bad arguments (nothing was sent)
              3  validation: the API refused the input (400: validation, time.unknown-zone)
              4  auth: not signed in or not allowed (401/403: auth.*)
              5  not found (404: not-found)
              6  conflict (409: booking.conflict, conflict.exists, blackout.conflict,
                 booking.invalid-transition)
              7  refused by a rule (422: booking.*, quota.exceeded, time.*, idempotency.mismatch)
              8  server or network error (5xx, no answer, an answer that is not the JSON expected)
            import exits with the code of its first failed row.
            """);
        return ExitCodes.Ok;
    }
}
