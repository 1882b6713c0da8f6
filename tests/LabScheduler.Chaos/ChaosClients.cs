using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LabScheduler.Chaos;

/// <summary>One booking a client was told was made (201), and whether it then had it cancelled (200).</summary>
public sealed record Acknowledged(Guid Id, string UserId, string Key, string InstrumentId, TimeSpan At, bool Cancelled);

/// <summary>
/// Clients as real ones behave: each booking (and some cancellations) goes to the client's own
/// gateway with an Idempotency-Key; on a 503, 409 idempotency.in-progress, a connection error or a
/// timeout the same request with the same key is repeated, on the other gateway after a connection
/// error, a timeout or a 503, until an answer that settles it (2xx, or a 4xx refusal) or the
/// operation's deadline.
/// </summary>
public sealed class ChaosClients(IReadOnlyList<string> gateways, IReadOnlyList<string> instruments, int clients, int slotDays)
{
    private static readonly TimeSpan OperationDeadline = TimeSpan.FromSeconds(90);
    private static readonly (string User, string Team)[] Users = [("alice", "tnu-catalysis"), ("dana", "kaznu-nano"), ("alice", "kaznu-nano")];

    private readonly ConcurrentBag<Acknowledged> _acknowledged = [];
    private readonly ConcurrentBag<(string User, string Key)> _keys = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double[] _longestOutage = new double[clients];
    private int _sent;
    private int _refused;
    private int _unsettled;
    private int _internalErrors;
    private int _inProgressAnswers;

    public int Sent => _sent;

    public int Refused => _refused;

    /// <summary>Operations that had no settling answer by their deadline.</summary>
    public int Unsettled => _unsettled;

    /// <summary>Answers 500 (never acceptable: an outage must be a 503).</summary>
    public int InternalErrors => _internalErrors;

    public int InProgressAnswers => _inProgressAnswers;

    public IReadOnlyCollection<Acknowledged> AcknowledgedBookings => _acknowledged;

    public IReadOnlyCollection<(string User, string Key)> Keys => _keys;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The longest time one client went without a settling answer while it kept trying.</summary>
    public TimeSpan LongestUnavailability => TimeSpan.FromSeconds(_longestOutage.Max());

    /// <summary>Runs the clients until <paramref name="stop"/>; operations under way then are finished (up to their deadline).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var tokens = new Dictionary<string, string>();
        using (var anonymous = new HttpClient { BaseAddress = new Uri(gateways[0]) })
        {
            foreach (var user in Users.Select(u => u.User).Distinct())
            {
                var response = await anonymous.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = user });
                response.EnsureSuccessStatusCode();
                tokens[user] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, tokens, stop))));
    }

    private async Task ClientAsync(int index, IReadOnlyDictionary<string, string> tokens, CancellationToken stop)
    {
        var random = new Random(index * 7919);
        var (user, team) = Users[index % Users.Length];
        var http = gateways.Select(g => new HttpClient { BaseAddress = new Uri(g), Timeout = TimeSpan.FromSeconds(10) }).ToArray();
        foreach (var client in http)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[user]);
        }

        var preferred = index % http.Length;
        double? outageFrom = null;
        void Settled()
        {
            if (outageFrom is { } from)
            {
                _longestOutage[index] = Math.Max(_longestOutage[index], _clock.Elapsed.TotalSeconds - from);
                outageFrom = null;
            }
        }

        void Failed() => outageFrom ??= _clock.Elapsed.TotalSeconds;

        try
        {
            while (!stop.IsCancellationRequested)
            {
                var instrument = instruments[random.Next(instruments.Count)];
                var day = new DateOnly(2027, 1, 4).AddDays(random.Next(slotDays));
                var hour = 8 + random.Next(10);
                var key = Guid.NewGuid().ToString();
                _keys.Add((user, key));
                Interlocked.Increment(ref _sent);
                var body = JsonSerializer.Serialize(new { instrumentId = instrument, teamId = team, localStart = $"{day:yyyy-MM-dd}T{hour:00}:00", localEnd = $"{day:yyyy-MM-dd}T{hour + 1:00}:00" });
                var (status, answer, used) = await SendAsync(http, preferred, () => Post("/api/v1/bookings", body, key), Failed);
                preferred = used;
                if (status is null)
                {
                    Interlocked.Increment(ref _unsettled);
                    continue;
                }

                Settled();
                if (status != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref _refused);
                    continue;
                }

                var id = Guid.Parse(answer.GetProperty("id").GetString()!);
                var cancelled = false;
                if (random.NextDouble() < 0.2)
                {
                    var (cancel, _, usedForCancel) = await SendAsync(http, preferred, () => Post($"/api/v1/bookings/{id}/cancel", """{"reason":"chaos"}""", null), Failed);
                    preferred = usedForCancel;
                    if (cancel is not null)
                    {
                        Settled();
                        cancelled = cancel == HttpStatusCode.OK;
                    }
                }

                _acknowledged.Add(new Acknowledged(id, user, key, instrument, _clock.Elapsed, cancelled));
            }
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }
        }
    }

    private static HttpRequestMessage Post(string path, string json, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    /// <summary>The settling answer's status and body (null status when the deadline passed first), and the gateway that answered.</summary>
    private async Task<(HttpStatusCode? Status, JsonElement Body, int Gateway)> SendAsync(HttpClient[] http, int preferred, Func<HttpRequestMessage> request, Action failed)
    {
        var deadline = _clock.Elapsed + OperationDeadline;
        var gateway = preferred;
        while (_clock.Elapsed < deadline)
        {
            var retryAfter = TimeSpan.FromMilliseconds(200);
            var switchGateway = false;
            try
            {
                using var response = await http[gateway].SendAsync(request());
                var text = await response.Content.ReadAsStringAsync();
                var json = text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default;
                var code = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString() : null;
                switch ((int)response.StatusCode)
                {
                    case < 300:
                        return (response.StatusCode, json, gateway);
                    case 409 when code == "idempotency.in-progress":
                        Interlocked.Increment(ref _inProgressAnswers);
                        break;
                    case 503:
                        switchGateway = true;
                        break;
                    case >= 500:
                        Interlocked.Increment(ref _internalErrors);
                        switchGateway = true;
                        break;
                    default:
                        return (response.StatusCode, json, gateway); // a refusal (conflict, validation): settled
                }

                if (response.Headers.RetryAfter?.Delta is { } delta)
                {
                    retryAfter = delta < TimeSpan.FromSeconds(1) ? delta : TimeSpan.FromSeconds(1);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                switchGateway = true; // connection refused or reset, or no answer within the timeout
            }

            failed();
            if (switchGateway)
            {
                gateway = (gateway + 1) % http.Length;
            }

            await Task.Delay(retryAfter);
        }

        return (null, default, gateway);
    }
}
