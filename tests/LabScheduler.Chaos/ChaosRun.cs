using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace LabScheduler.Chaos;

/// <summary>
/// One run: fresh instruments, clients booking through both gateways, one fault in the middle,
/// then (the cluster whole again) the database checked against what the clients were told.
/// </summary>
public sealed class ChaosRun(ChaosCluster cluster, FaultKind kind, TimeSpan duration, int clients, Action<string> log)
{
    private const int Instruments = 6;

    public async Task<ChaosFigures> RunAsync()
    {
        var instruments = await CreateInstrumentsAsync();
        var workload = new ChaosClients(cluster.GatewayUrls, instruments, clients, slotDays: 60);
        using var stop = new CancellationTokenSource();
        var running = workload.RunAsync(stop.Token);

        await Task.Delay(duration / 4);
        log($"{kind}: fault at {workload.Now.TotalSeconds:0.0} s, {workload.Sent} sent so far");
        await BreakAsync();
        await cluster.HealAsync(TimeSpan.FromMinutes(3));
        var healedAt = workload.Now;
        log($"{kind}: healed at {healedAt.TotalSeconds:0.0} s");

        // After the fault, at least a quarter of the run (and a few seconds) of normal service.
        var rest = TimeSpan.FromTicks(Math.Max(duration.Ticks * 3 / 4 - healedAt.Ticks, duration.Ticks / 4));
        await Task.Delay(rest > TimeSpan.FromSeconds(3) ? rest : TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await running;

        return await CheckAsync(workload, instruments, healedAt);
    }

    private async Task BreakAsync()
    {
        var clock = Stopwatch.StartNew();
        switch (kind)
        {
            case FaultKind.SiloKilled:
                await cluster.KillSiloAsync(1);
                await Task.Delay(TimeSpan.FromSeconds(3));
                break;
            case FaultKind.GatewayKilled:
                await cluster.KillGatewayAsync(0);
                await Task.Delay(TimeSpan.FromSeconds(3));
                break;
            case FaultKind.PostgresRestarted:
                await cluster.RestartPostgresAsync("fast", TimeSpan.FromSeconds(2));
                await Task.Delay(TimeSpan.FromSeconds(2));
                await cluster.RestartPostgresAsync("immediate", TimeSpan.FromSeconds(2));
                break;
            case FaultKind.PostgresConnectionsCut:
                var ended = 0;
                while (clock.Elapsed < TimeSpan.FromSeconds(5))
                {
                    ended += await cluster.TerminateBackendsAsync("silo-") + await cluster.TerminateBackendsAsync("gateway-");
                    await Task.Delay(100);
                }

                log($"{kind}: {ended} connections ended");
                break;
            case FaultKind.SiloPaused:
                cluster.PauseSilo(1);
                await cluster.WaitDeclaredDeadAsync(1, TimeSpan.FromMinutes(3));
                log($"{kind}: declared dead after {clock.Elapsed.TotalSeconds:0.0} s");
                cluster.ResumeSilo(1);

                // A silo that finds itself declared dead stops; it must not have written in between (checked below).
                var deadline = Stopwatch.StartNew();
                while (!cluster.SiloHasExited(1) && deadline.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(250);
                }

                if (!cluster.SiloHasExited(1))
                {
                    log($"{kind}: the resumed zombie silo did not stop within 60 s; killing it");
                    await cluster.KillSiloAsync(1);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        log($"{kind}: fault over after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task<List<string>> CreateInstrumentsAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(cluster.GatewayUrls[0]), Timeout = TimeSpan.FromSeconds(30) };
        var token = await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "admin" });
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var ids = new List<string>();
        for (var i = 0; i < Instruments; i++)
        {
            var id = $"chaos{(int)kind}-{Guid.NewGuid():N}"[..16];
            var response = await http.PostAsJsonAsync("/api/v1/labs/xian-nmr/instruments", new
            {
                id, name = $"Chaos {kind} {i}", category = "nmr", currency = "CNY",
                rates = new { @internal = 100, partner = 150, external = 200 },
                rules = new { },
            });
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating instrument {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            ids.Add(id);
        }

        return ids;
    }

    private async Task<ChaosFigures> CheckAsync(ChaosClients workload, List<string> instruments, TimeSpan healedAt)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();

        var stored = new Dictionary<Guid, string>();
        await using (var rows = new NpgsqlCommand("SELECT id, status FROM bookings WHERE instrument_id = ANY(@i)", connection))
        {
            rows.Parameters.AddWithValue("i", instruments.ToArray());
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        // Lost: a booking the client was told was made (or cancelled) that the table does not hold so.
        var acknowledged = workload.AcknowledgedBookings;
        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Id, out var status) || (a.Cancelled && status != "cancelled"));

        // Doubled: a booking row that no request's key names (the same operation made twice under another id),
        // or one key told two different bookings.
        var named = workload.Keys.Select(k => BookingIdFor(k.User, k.Key)).ToHashSet();
        var doubled = stored.Keys.Count(id => !named.Contains(id))
            + acknowledged.GroupBy(a => (a.UserId, a.Key)).Count(g => g.Select(a => a.Id).Distinct().Count() > 1)
            + acknowledged.Count(a => a.Id != BookingIdFor(a.UserId, a.Key));
        var acknowledgedIds = acknowledged.Select(a => a.Id).ToHashSet();
        var storedButUnacknowledged = stored.Keys.Count(id => !acknowledgedIds.Contains(id));

        // Overlaps: two active bookings of a capacity-1 instrument at once (the exclusion constraint should make this impossible).
        await using var overlaps = new NpgsqlCommand("""
            SELECT count(*) FROM bookings a JOIN bookings b
              ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.during && b.during
            WHERE a.instrument_id = ANY(@i) AND a.exclusive AND b.exclusive
              AND a.status IN ('pending', 'confirmed', 'checked-in') AND b.status IN ('pending', 'confirmed', 'checked-in')
            """, connection);
        overlaps.Parameters.AddWithValue("i", instruments.ToArray());
        var overlapCount = Convert.ToInt32(await overlaps.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

        return new ChaosFigures(
            kind, workload.Sent, acknowledged.Count, workload.Refused, workload.Unsettled, lost, doubled, overlapCount,
            workload.InternalErrors, acknowledged.Count(a => a.At > healedAt), storedButUnacknowledged, workload.LongestUnavailability);
    }

    /// <summary>The booking id the gateway derives from a caller's key (IdempotentIds in the gateway).</summary>
    private static Guid BookingIdFor(string userId, string key) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"booking\n{userId}\n{key}")).AsSpan(0, 16));
}
