using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// An HTTP client of one server, signed in per user with demo tokens from LabScheduler's gateway;
/// given several URLs (the gateways of a cluster), it sends its requests to each in turn.
/// </summary>
public sealed class Api(HttpClient http, IReadOnlyList<string> baseUrls, TokenSource tokens)
{
    private int _next = -1;

    public Api(HttpClient http, string baseUrl, TokenSource tokens)
        : this(http, [baseUrl], tokens)
    {
    }

    public string BaseUrl => baseUrls[0];

    public async Task<int> SendAsync(HttpMethod method, string path, string userId, object? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendForResponseAsync(method, path, userId, body, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return (int)response.StatusCode;
    }

    public async Task<HttpResponseMessage> SendForResponseAsync(HttpMethod method, string path, string userId, object? body = null, CancellationToken cancellationToken = default)
    {
        var baseUrl = baseUrls.Count == 1 ? baseUrls[0] : baseUrls[(int)((uint)Interlocked.Increment(ref _next) % (uint)baseUrls.Count)];
        using var request = new HttpRequestMessage(method, baseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.ForAsync(userId));
        if (method == HttpMethod.Post && path == "/api/v1/bookings")
        {
            // As real clients book (the CLI and the web app send a key with every booking), so the key's cost is measured.
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Seconds the server's process has spent in the JIT so far, from its Prometheus metrics (the
    /// runtime's own meter); null when it publishes none (the baseline).
    /// </summary>
    public async Task<double?> JitSecondsAsync()
    {
        const string Metric = "dotnet_jit_compilation_time_seconds_total";
        using var response = await http.GetAsync($"{BaseUrl}/metrics");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var line = (await response.Content.ReadAsStringAsync()).Split('\n').FirstOrDefault(l => l.StartsWith(Metric, StringComparison.Ordinal));
        return line is not null && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    /// <summary>Sends and fails loudly unless the answer is 2xx or the given acceptable status (setup steps must work).</summary>
    public async Task MustAsync(HttpMethod method, string path, string userId, object? body = null, int alsoFine = 0)
    {
        using var response = await SendForResponseAsync(method, path, userId, body);
        if (!response.IsSuccessStatusCode && (int)response.StatusCode != alsoFine)
        {
            throw new InvalidOperationException($"{method} {path} as {userId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>Demo tokens (POST /api/v1/auth/dev-token), fetched once per user.</summary>
public sealed class TokenSource(HttpClient http, string gatewayUrl)
{
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new();

    public Task<string> ForAsync(string userId) => _tokens.GetOrAdd(userId, async id =>
    {
        using var response = await http.PostAsJsonAsync($"{gatewayUrl}/api/v1/auth/dev-token", new { userId = id });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("accessToken").GetString()!;
    });

    public void Forget() => _tokens.Clear();
}
