using System.Text.Json;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;
using NodaTime;

namespace LabScheduler.Cli;

/// <summary>What a command works with: the writers, the global options, the API and the stored login.</summary>
internal sealed class CliContext(
    CliIo io, Screen screen, bool json, string? tz, ApiClient api, CredentialStore store, Credentials? login)
{
    // A cursor that comes back again would loop for ever; no real listing needs more pages than this.
    private const int MaxPages = 100_000;

    public TextWriter Out { get; } = io.Out;

    public TextWriter Err { get; } = io.Err;

    public TextReader In { get; } = io.In;

    /// <summary>Terminal or not, NO_COLOR: how tables and progress are drawn.</summary>
    public Screen Screen { get; } = screen;

    /// <summary>--json: print the API's bodies unchanged instead of tables.</summary>
    public bool Json { get; } = json;

    /// <summary>--tz: the zone the API renders "your" times in (its <c>tz=</c> parameter).</summary>
    public string? Tz { get; } = tz;

    public ApiClient Api { get; } = api;

    public CredentialStore Store { get; } = store;

    /// <summary>The stored login when it is for this API; its token is the one sent.</summary>
    public Credentials? Login { get; } = login;

    /// <summary>"Now", for relative months (<c>--month last</c>) and for showing instants in zones.</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;

    private DateTimeZone? _userZone;

    /// <summary>The zone "your time" is shown in: --tz, else the signed-in user's profile, else UTC.</summary>
    public async Task<DateTimeZone> UserZoneAsync()
    {
        if (_userZone is not null)
        {
            return _userZone;
        }

        var id = Tz;
        if (id is null && Api.HasToken)
        {
            var me = await Api.GetAsync("me");
            id = me.IsSuccess ? JsonText.Field(me.Json, "timeZone") : null;
        }

        _userZone = Zones.Find(id) ?? (Tz is null ? DateTimeZone.Utc : throw new CommandLine.UsageException($"--tz '{Tz}' is not an IANA time zone (e.g. Asia/Dushanbe)"));
        return _userZone;
    }

    /// <summary>The zone of an instrument's lab (from GET /instruments/{id}), or the failed answer.</summary>
    public async Task<(DateTimeZone? Zone, ApiResponse? Failure)> LabZoneAsync(string instrumentId)
    {
        var response = await Api.GetAsync("instruments/" + Query.Segment(instrumentId));
        if (!response.IsSuccess)
        {
            return (null, response);
        }

        return (Zones.Find(JsonText.Field(response.Json, "timeZone")) ?? throw new JsonException("the instrument's timeZone is not an IANA zone"), null);
    }

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

    /// <summary>Prints a table (drawn on a terminal, plain elsewhere), or <c>No WHAT.</c> when it is empty.</summary>
    public void Print(Table table, string what)
    {
        if (table.Count == 0)
        {
            Out.WriteLine($"No {what}.");
            return;
        }

        Screen.Write(table);
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
        var list = await ReadAllAsync(path, cancel);
        if (list.Failure is { } failure)
        {
            return Fail(failure);
        }

        if (!Json)
        {
            human(list.Items);
        }
        else if (list.Bodies.Count == 1)
        {
            WriteBody(list.Bodies[0]);
        }
        else
        {
            WriteItems(list.Items);
        }

        return ExitCodes.Ok;
    }

    /// <summary>Every item of a list endpoint, page after page; the first failed answer stops it.</summary>
    public async Task<PagedList> ReadAllAsync(string path, CancellationToken cancel)
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
                return new PagedList(items, bodies, response);
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

        return new PagedList(items, bodies, null);
    }

    /// <summary>Items as one <c>{"items":[...],"next":null}</c> document on stdout.</summary>
    public void WriteItems(IReadOnlyList<JsonElement> items)
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

/// <summary>What <see cref="CliContext.ReadAllAsync"/> read: the items, each page's body, and the failed answer that stopped it, if any.</summary>
internal sealed record PagedList(IReadOnlyList<JsonElement> Items, IReadOnlyList<string> Bodies, ApiResponse? Failure);
