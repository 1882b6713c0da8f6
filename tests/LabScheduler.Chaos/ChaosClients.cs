using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LabScheduler.Chaos;

/// <summary>
/// One booking a client was told was made (201), and the statuses the table may hold for it now: what
/// the client's last settled operation on it said (cancelled, checked in, checked out), or either of two
/// when that operation's outcome is unknown (no settling answer, or a refusal after a retry); plus what
/// time alone does to a walk-up booking (no-show once started, completed once over).
/// </summary>
public sealed record Acknowledged(Guid Id, string UserId, string Key, string InstrumentId, TimeSpan At, IReadOnlySet<string> Allowed)
{
    /// <summary>Its 201 carried no body; the status was read back.</summary>
    public bool WithoutBody { get; init; }

    public bool Cancelled => Allowed.SetEquals(["cancelled"]);
}

/// <summary>
/// Clients as real ones behave: each booking goes to the client's own gateway with an Idempotency-Key;
/// some are then cancelled, and some of those booked on the walk-up instrument (a slot starting within
/// 15 minutes, so check-in is open) are checked in and checked out. On a 503, 409
/// idempotency.in-progress, a connection error or a timeout the same request (with the same key) is
/// repeated, on the other gateway after a connection error, a timeout or a 503, until an answer that
/// settles it (2xx, or a 4xx refusal) or the operation's deadline. Cancel, check-in and check-out take
/// no key (the API keys only what creates something): a refusal after a retry may be the retry finding
/// the first attempt's work done, so the outcome then counts as unknown (either status allowed).
/// </summary>
public sealed class ChaosClients(IReadOnlyList<string> gateways, IReadOnlyList<string> instruments, string walkUpInstrument, int clients, int slotDays)
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
    private int _cancelled;
    private int _checkedIn;
    private int _checkedOut;
    private int _walkUps;
    private int _createdWithoutBody;
    private string? _bodilessDetail;

    /// <summary>What the first 201 without a body looked like (null when none came).</summary>
    public string? BodilessDetail => _bodilessDetail;

    /// <summary>Operations sent: bookings, cancellations, check-ins and check-outs (each counted once, however often retried).</summary>
    public int Sent => _sent;

    public int Refused => _refused;

    /// <summary>Operations that had no settling answer by their deadline.</summary>
    public int Unsettled => _unsettled;

    /// <summary>Answers 500 (never acceptable: an outage must be a 503).</summary>
    public int InternalErrors => _internalErrors;

    public int InProgressAnswers => _inProgressAnswers;

    /// <summary>Cancellations, check-ins and check-outs answered 200; walk-up bookings acknowledged.</summary>
    public (int Cancelled, int CheckedIn, int CheckedOut, int WalkUps) Transitions => (_cancelled, _checkedIn, _checkedOut, _walkUps);

    public IReadOnlyCollection<Acknowledged> AcknowledgedBookings => _acknowledged;

    /// <summary>Answers 201 whose body held no booking (a product bug when not 0: the client cannot learn what it booked).</summary>
    public int CreatedWithoutBody => _createdWithoutBody;

    /// <summary>The booking id the gateway derives from a caller's key (IdempotentIds in the gateway).</summary>
    public static Guid BookingIdFor(string userId, string key) =>
        new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"booking\n{userId}\n{key}")).AsSpan(0, 16));

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

        // One state change of a booking: the statuses allowed after it, and whether to go on with the next one.
        async Task<(IReadOnlySet<string> Allowed, bool Go)> TransitionAsync(Guid id, string path, string before, string after, Action counted)
        {
            Interlocked.Increment(ref _sent);
            var (status, _, used, attempts) = await SendAsync(http, preferred, () => Post($"/api/v1/bookings/{id}/{path}", """{"reason":"chaos"}""", null), Failed);
            preferred = used;
            if (status is null)
            {
                Interlocked.Increment(ref _unsettled);
                return (new HashSet<string> { before, after }, false);
            }

            Settled();
            if (status == HttpStatusCode.OK)
            {
                counted();
                return (new HashSet<string> { after }, true);
            }

            Interlocked.Increment(ref _refused);
            return (attempts > 1 ? new HashSet<string> { before, after } : new HashSet<string> { before }, false);
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                // A quarter of the bookings are walk-ups: the next quarter hour on the walk-up instrument
                // (at least 20 s away: a booking may not start in the past), so check-in is open at once.
                var now = DateTimeOffset.UtcNow;
                var nextQuarter = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 15 * 15, 0, TimeSpan.Zero).AddMinutes(15);
                var walkUp = random.NextDouble() < 0.25 && nextQuarter - now > TimeSpan.FromSeconds(20);
                string instrument;
                string body;
                if (walkUp)
                {
                    instrument = walkUpInstrument;
                    body = JsonSerializer.Serialize(new { instrumentId = instrument, teamId = team, start = nextQuarter.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), end = nextQuarter.AddMinutes(15).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
                }
                else
                {
                    instrument = instruments[random.Next(instruments.Count)];
                    var day = new DateOnly(2027, 1, 4).AddDays(random.Next(slotDays));
                    var hour = 8 + random.Next(10);
                    body = JsonSerializer.Serialize(new { instrumentId = instrument, teamId = team, localStart = $"{day:yyyy-MM-dd}T{hour:00}:00", localEnd = $"{day:yyyy-MM-dd}T{hour + 1:00}:00" });
                }

                var key = Guid.NewGuid().ToString();
                _keys.Add((user, key));
                Interlocked.Increment(ref _sent);
                var (status, answer, used, _) = await SendAsync(http, preferred, () => Post("/api/v1/bookings", body, key), Failed);
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

                if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("id", out var idProperty))
                {
                    // A 201 without the booking in its body (a replay of a response cut short; the test asserts none): counted, and
                    // the booking read back by the id the key names, so the checks still hold it to that answer.
                    Interlocked.Increment(ref _createdWithoutBody);
                    var derived = BookingIdFor(user, key);
                    var (read, readBack, readUsed, _) = await SendAsync(http, preferred, () => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/bookings/{derived}"), Failed);
                    preferred = readUsed;
                    var readStatus = read == HttpStatusCode.OK && readBack.ValueKind == JsonValueKind.Object ? readBack.GetProperty("status").GetString()! : "missing";
                    _acknowledged.Add(new Acknowledged(derived, user, key, instrument, _clock.Elapsed, new HashSet<string> { readStatus }) { WithoutBody = true });
                    continue;
                }

                var id = Guid.Parse(idProperty.GetString()!);
                var booked = answer.GetProperty("status").GetString()!;
                IReadOnlySet<string> allowed = new HashSet<string> { booked };
                if (walkUp)
                {
                    Interlocked.Increment(ref _walkUps);
                }

                var roll = random.NextDouble();
                if (roll < 0.2)
                {
                    (allowed, _) = await TransitionAsync(id, "cancel", booked, "cancelled", () => Interlocked.Increment(ref _cancelled));
                }
                else if (walkUp && roll < 0.8)
                {
                    bool go;
                    (allowed, go) = await TransitionAsync(id, "check-in", booked, "checked-in", () => Interlocked.Increment(ref _checkedIn));
                    if (go && random.NextDouble() < 0.7)
                    {
                        (allowed, _) = await TransitionAsync(id, "check-out", "checked-in", "completed", () => Interlocked.Increment(ref _checkedOut));
                    }
                }

                if (walkUp)
                {
                    // What the calendar sweep does with time alone: a booking not checked in is a no-show
                    // once its start passed, one checked in is completed once its end passed.
                    var timed = new HashSet<string>(allowed);
                    if (timed.Contains("confirmed"))
                    {
                        timed.Add("no-show");
                    }

                    if (timed.Contains("checked-in"))
                    {
                        timed.Add("completed");
                    }

                    allowed = timed;
                }

                _acknowledged.Add(new Acknowledged(id, user, key, instrument, _clock.Elapsed, allowed));
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

    /// <summary>The settling answer's status and body (null status when the deadline passed first), the gateway that answered, and how many times it was sent.</summary>
    private async Task<(HttpStatusCode? Status, JsonElement Body, int Gateway, int Attempts)> SendAsync(HttpClient[] http, int preferred, Func<HttpRequestMessage> request, Action failed)
    {
        var deadline = _clock.Elapsed + OperationDeadline;
        var gateway = preferred;
        var attempts = 0;
        while (_clock.Elapsed < deadline)
        {
            attempts++;
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
                        if (json.ValueKind != JsonValueKind.Object && response.StatusCode == HttpStatusCode.Created)
                        {
                            Interlocked.CompareExchange(ref _bodilessDetail,
                                $"201 from gateway {gateway} after {attempts} attempt(s), {text.Length} chars, headers: {string.Join("; ", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}={string.Join(",", h.Value)}"))}, body: {text[..Math.Min(200, text.Length)]}",
                                null);
                        }

                        return (response.StatusCode, json, gateway, attempts);
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
                        return (response.StatusCode, json, gateway, attempts); // a refusal (conflict, validation): settled
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

        return (null, default, gateway, attempts);
    }
}
