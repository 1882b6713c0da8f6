using System.Text.Json;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Http;

namespace LabScheduler.Cli;

/// <summary>What a command works with: the writers, the global options, the API and the stored login.</summary>
internal sealed class CliContext(
    TextWriter stdout, TextWriter stderr, bool json, string? tz, ApiClient api, CredentialStore store, Credentials? login)
{
    // A cursor that comes back again would loop for ever; no real listing needs more pages than this.
    private const int MaxPages = 100_000;

    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    /// <summary>--json: print the API's bodies unchanged instead of tables.</summary>
    public bool Json { get; } = json;

    /// <summary>--tz: the zone the API renders "your" times in (its <c>tz=</c> parameter).</summary>
    public string? Tz { get; } = tz;

    public ApiClient Api { get; } = api;

    public CredentialStore Store { get; } = store;

    /// <summary>The stored login when it is for this API; its token is the one sent.</summary>
    public Credentials? Login { get; } = login;

    /// <summary>The API URL as people read it (no trailing slash).</summary>
    public string ApiText => Api.BaseUri.ToString().TrimEnd('/');

    /// <summary>Reports an API error (and with --json prints its problem body on stdout too); returns the exit code.</summary>
    public int Fail(ApiResponse response, string? prefix = null)
    {
        if (Json && response.Body.Length > 0)
        {
            WriteBody(response.Body);
        }

        var exit = ProblemReport.Write(response, Err, prefix);
        if (response.Status == 401)
        {
            Err.WriteLine(Api.HasToken
                ? "hint: the stored token was refused (expired?); sign in again with 'labsched login'"
                : $"hint: not signed in to {ApiText}; run 'labsched login <userId>' or 'labsched login --token <jwt>'");
        }

        return exit;
    }

    /// <summary>Prints a successful answer: the body unchanged with --json, else what <paramref name="human"/> writes.</summary>
    public int Show(ApiResponse response, Action<JsonElement> human)
    {
        if (Json)
        {
            WriteBody(response.Body);
        }
        else
        {
            human(response.Json);
        }

        return ExitCodes.Ok;
    }

    public void WriteBody(string body)
    {
        if (body.EndsWith('\n'))
        {
            Out.Write(body);
        }
        else
        {
            Out.WriteLine(body);
        }
    }

    /// <summary>
    /// Reads every page of a list endpoint (following <c>next</c>) and prints it: with --json the one
    /// page's body unchanged, or all pages' items as one <c>{"items":[...],"next":null}</c> document.
    /// </summary>
    public async Task<int> ShowListAsync(string path, Action<IReadOnlyList<JsonElement>> human, CancellationToken cancel)
    {
        var items = new List<JsonElement>();
        var bodies = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var response = await Api.GetAsync(Query.Path(path, ("cursor", cursor)), cancel);
            if (!response.IsSuccess)
            {
                return Fail(response);
            }

            bodies.Add(response.Body);
            var page = response.Json;
            if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("items", out var pageItems) || pageItems.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("a list answer has no \"items\" array");
            }

            items.AddRange(pageItems.EnumerateArray());
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } n ? n : null;
            if (cursor is not null && (!seen.Add(cursor) || seen.Count > MaxPages))
            {
                throw new JsonException($"the API gave the cursor '{cursor}' twice");
            }
        }
        while (cursor is not null);

        if (!Json)
        {
            human(items);
        }
        else if (bodies.Count == 1)
        {
            WriteBody(bodies[0]);
        }
        else
        {
            WriteItems(items);
        }

        return ExitCodes.Ok;
    }

    private void WriteItems(IReadOnlyList<JsonElement> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteNull("next");
            writer.WriteEndObject();
        }

        Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
