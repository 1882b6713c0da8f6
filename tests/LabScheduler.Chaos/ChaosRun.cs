using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace LabScheduler.Chaos;

/// <summary>
/// One run: fresh instruments, clients booking through both gateways, one fault in the middle,
/// then (the cluster whole again) the database checked against what the clients were told. The run
/// lasts <c>duration</c>, or, with <c>operations</c>, until that many operations were sent (the fault
/// after a quarter of them), and at least a few seconds after the cluster healed.
/// </summary>
/// <remarks>
/// For <see cref="FaultKind.RollingUpgrade"/> the "fault" is replacing every process, one at a time, by one of
/// <c>upgradeTo</c> (the cluster was started from an older build); afterwards bookings acknowledged before it
/// began (made through the old build) are read back and some cancelled through the new one, and a user's
/// grain state written by the old build is read by the new one.
/// <para>
/// Of the six instruments two carry a quota for one team (so quota.exceeded refusals race with
/// faults), two have two seats; the walk-up instrument (four seats) takes bookings starting within
/// 15 minutes, which clients check in and out.
/// </para>
/// </remarks>
public sealed class ChaosRun(ChaosCluster cluster, FaultKind kind, TimeSpan duration, int clients, Action<string> log, int? operations = null, ClusterBuild? upgradeTo = null)
{
    private const int Instruments = 6;
    private const string QuotaTeam = "tnu-catalysis";
    private const int QuotaMinutes = 300;
    private const string ZombieRefusal = "may not write (membership status";

    // A rolling upgrade: when old and new builds served side by side.
    private (TimeSpan From, TimeSpan Until)? _mixed;

    // The walk-up instrument (CreateInstrumentsAsync).
    private string _walkUp = "";

    public async Task<ChaosFigures> RunAsync()
    {
        var (instruments, walkUp) = await CreateInstrumentsAsync();
        var fencedBefore = cluster.PostgresLogCount(ZombieRefusal);
        var workload = new ChaosClients(cluster.GatewayUrls, instruments, walkUp, clients, slotDays: 60);
        using var stop = new CancellationTokenSource();
        var running = workload.RunAsync(stop.Token);

        if (operations is { } total)
        {
            await UntilAsync(() => workload.Sent >= total / 4, running);
        }
        else
        {
            await Task.Delay(duration / 4);
        }

        log($"{kind}: fault at {workload.Now.TotalSeconds:0.0} s, {workload.Sent} sent so far");
        var before = workload.AcknowledgedBookings.ToList();
        var stateBefore = kind == FaultKind.RollingUpgrade ? await WriteUserStateAsync() : null;
        await BreakAsync(workload);
        await cluster.HealAsync(TimeSpan.FromMinutes(3));
        var healedAt = workload.Now;
        log($"{kind}: healed at {healedAt.TotalSeconds:0.0} s");

        if (operations is { } all)
        {
            await UntilAsync(() => workload.Sent >= all && workload.Now > healedAt + TimeSpan.FromSeconds(3), running);
        }
        else
        {
            // After the fault, at least a quarter of the run (and a few seconds) of normal service.
            var rest = TimeSpan.FromTicks(Math.Max(duration.Ticks * 3 / 4 - healedAt.Ticks, duration.Ticks / 4));
            await Task.Delay(rest > TimeSpan.FromSeconds(3) ? rest : TimeSpan.FromSeconds(3));
        }

        await stop.CancelAsync();
        await running;

        var afterUpgrade = kind == FaultKind.RollingUpgrade ? await ReadBackAsync(before, stateBefore!) : null;

        var fenced = cluster.PostgresLogCount(ZombieRefusal) - fencedBefore;
        if (workload.BodilessDetail is { } detail)
        {
            log($"{kind}: {workload.CreatedWithoutBody} answers 201 without a booking in the body; the first: {detail}");
        }

        var figures = await CheckAsync(workload, [.. instruments, walkUp], healedAt, fenced, afterUpgrade?.Cancelled ?? new HashSet<Guid>());
        return afterUpgrade is null ? figures : figures with
        {
            AcknowledgedWhileMixed = _mixed is var (from, until) ? workload.AcknowledgedBookings.Count(a => a.At >= from && a.At <= until) : 0,
            OldBookingsReadBack = afterUpgrade.Read,
            OldBookingsMisread = afterUpgrade.Misread,
            OldBookingsCancelled = afterUpgrade.Cancelled.Count,
            OldStateReadBack = afterUpgrade.StateRead,
        };
    }

    private static async Task UntilAsync(Func<bool> done, Task running)
    {
        while (!done() && !running.IsCompleted)
        {
            await Task.Delay(100);
        }
    }

    private async Task BreakAsync(ChaosClients workload)
    {
        var clock = Stopwatch.StartNew();
        switch (kind)
        {
            case FaultKind.RollingUpgrade:
                var to = upgradeTo ?? throw new InvalidOperationException("A rolling upgrade needs the build to upgrade to.");
                log($"{kind}: before: {cluster.Versions}");
                TimeSpan? mixedFrom = null;
                for (var k = 0; k < ChaosCluster.SiloCount; k++)
                {
                    var left = await cluster.ReplaceSiloAsync(k, to, () => mixedFrom ??= workload.Now, TimeSpan.FromMinutes(3));
                    log($"{kind}: silo-{k + 1} replaced at {workload.Now.TotalSeconds:0.0} s (the old one left {left.TotalSeconds:0.0} s after SIGTERM)");
                }

                for (var k = 0; k < ChaosCluster.GatewayCount; k++)
                {
                    await cluster.ReplaceGatewayAsync(k, to, TimeSpan.FromMinutes(3));
                    log($"{kind}: gateway-{k + 1} replaced at {workload.Now.TotalSeconds:0.0} s");
                }

                _mixed = (mixedFrom!.Value, workload.Now);
                log($"{kind}: after: {cluster.Versions}; old and new versions side by side from {mixedFrom.Value.TotalSeconds:0.0} s to {workload.Now.TotalSeconds:0.0} s");
                break;
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

    /// <summary>What the read-back after a rolling upgrade found.</summary>
    private sealed record ReadBack(int Read, int Misread, IReadOnlySet<Guid> Cancelled, bool StateRead);

    /// <summary>A client of gateway <paramref name="gateway"/> signed in (demo token) as <paramref name="user"/>.</summary>
    private async Task<HttpClient> SignedInAsync(string user, int gateway)
    {
        var http = new HttpClient { BaseAddress = new Uri(cluster.GatewayUrls[gateway]), Timeout = TimeSpan.FromSeconds(30) };
        using var token = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/dev-token") { Content = JsonContent.Create(new { userId = user }) });
        token.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return http;
    }

    /// <summary>Sends the request again while the answer is 503 (a gateway still finding its silos), for up to 60 s.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> request)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await http.SendAsync(request());
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(500);
        }
    }

    /// <summary>Through the old build (before the upgrade): gives the admin's user grain a new display name, which it stores as grain state.</summary>
    private async Task<string> WriteUserStateAsync()
    {
        using var http = await SignedInAsync("admin", 0);
        var name = $"Upgrade check {Guid.NewGuid():N}"[..24];
        using var response = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Patch, "/api/v1/me") { Content = JsonContent.Create(new { displayName = name }) });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PATCH /me before the upgrade: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return name;
    }

    /// <summary>
    /// Through the new build (after the upgrade), both gateways in turn: every booking acknowledged before the
    /// upgrade read back by its booker (status as the client was told); a few of those not yet started cancelled;
    /// the admin's display name written before the upgrade read back.
    /// </summary>
    private async Task<ReadBack> ReadBackAsync(List<Acknowledged> before, string displayName)
    {
        var clients = new Dictionary<(string, int), HttpClient>();
        async Task<HttpClient> ClientAsync(string user, int gateway) =>
            clients.TryGetValue((user, gateway), out var c) ? c : clients[(user, gateway)] = await SignedInAsync(user, gateway);
        try
        {
            int read = 0, misread = 0, turn = 0;
            var cancelled = new HashSet<Guid>();
            foreach (var booking in before)
            {
                var http = await ClientAsync(booking.UserId, turn++ % ChaosCluster.GatewayCount);
                using var response = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/bookings/{booking.Id}"));
                var body = await response.Content.ReadAsStringAsync();
                var status = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()! : null;
                if (status is not null && booking.Allowed.Contains(status))
                {
                    read++;
                }
                else
                {
                    if (misread++ == 0)
                    {
                        log($"{kind}: booking {booking.Id} made before the upgrade read back after it: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]} (allowed: {string.Join(", ", booking.Allowed)})");
                    }

                    continue;
                }

                // Cancel up to ten that were booked (not walk-ups: those may have started) and are still held.
                if (cancelled.Count < 10 && status is "confirmed" or "pending" && booking.Allowed.Count == 1 && !booking.InstrumentId.Equals(_walkUp, StringComparison.Ordinal))
                {
                    using var cancel = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bookings/{booking.Id}/cancel") { Content = JsonContent.Create(new { reason = "upgrade check" }) });
                    var answer = await cancel.Content.ReadAsStringAsync();
                    if (cancel.IsSuccessStatusCode && JsonDocument.Parse(answer).RootElement.GetProperty("status").GetString() == "cancelled")
                    {
                        cancelled.Add(booking.Id);
                    }
                    else
                    {
                        misread++;
                        log($"{kind}: cancelling booking {booking.Id} (made before the upgrade) after it: {(int)cancel.StatusCode} {answer[..Math.Min(300, answer.Length)]}");
                    }
                }
            }

            var admin = await ClientAsync("admin", 1);
            using var me = await SendAsync(admin, () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/me"));
            var meBody = await me.Content.ReadAsStringAsync();
            var stateRead = me.IsSuccessStatusCode && JsonDocument.Parse(meBody).RootElement.GetProperty("displayName").GetString() == displayName;
            if (!stateRead)
            {
                log($"{kind}: GET /me after the upgrade: {(int)me.StatusCode} {meBody[..Math.Min(300, meBody.Length)]} (display name written before: {displayName})");
            }

            log($"{kind}: after the upgrade {read} of {before.Count} bookings made before it read back, {cancelled.Count} cancelled, the user state {(stateRead ? "read back" : "NOT read back")}");
            return new ReadBack(read, misread, cancelled, stateRead);
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private async Task<(List<string> Instruments, string WalkUp)> CreateInstrumentsAsync()
    {
        using var http = await SignedInAsync("admin", 0);
        async Task<string> CreateAsync(int i, int capacity)
        {
            var id = $"chaos{(int)kind}-{Guid.NewGuid():N}"[..16];
            // Again on a 503 (the cluster may still be finding its database after the previous run's fault, as after PostgresRestarted).
            using var response = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/v1/labs/xian-nmr/instruments")
            {
                Content = JsonContent.Create(new
                {
                    id, name = $"Chaos {kind} {i}", category = "nmr", currency = "CNY",
                    rates = new { @internal = 100, partner = 150, external = 200 },
                    rules = new { capacity },
                }),
            });
            var answer = await response.Content.ReadAsStringAsync();

            // A 503 may come after the instrument was stored (the outcome unknown to the gateway): the repeated request then finds it. The id is this run's own.
            if (!response.IsSuccessStatusCode && !(response.StatusCode == System.Net.HttpStatusCode.Conflict && answer.Contains("\"conflict.exists\"", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"Creating instrument {id}: {(int)response.StatusCode} {answer}");
            }

            return id;
        }

        var ids = new List<string>();
        for (var i = 0; i < Instruments; i++)
        {
            var id = await CreateAsync(i, capacity: i is 2 or 3 ? 2 : 1);
            if (i < 2)
            {
                using var quota = await SendAsync(http, () => new HttpRequestMessage(HttpMethod.Put, $"/api/v1/teams/{QuotaTeam}/quotas/{id}") { Content = JsonContent.Create(new { minutesPerMonth = QuotaMinutes }) });
                if (!quota.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Setting a quota on {id}: {(int)quota.StatusCode} {await quota.Content.ReadAsStringAsync()}");
                }
            }

            ids.Add(id);
        }

        _walkUp = await CreateAsync(Instruments, capacity: 4);
        return (ids, _walkUp);
    }

    private async Task<ChaosFigures> CheckAsync(ChaosClients workload, List<string> instruments, TimeSpan healedAt, int fenced, IReadOnlySet<Guid> cancelledAfter)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        var ids = instruments.ToArray();

        var stored = new Dictionary<Guid, string>();
        await using (var rows = new NpgsqlCommand("SELECT id, status FROM bookings WHERE instrument_id = ANY(@i)", connection))
        {
            rows.Parameters.AddWithValue("i", ids);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[reader.GetGuid(0)] = reader.GetString(1);
            }
        }

        // Lost: a booking the client was told was made that the table does not hold, or holds in a status
        // its last acknowledged operation (cancel, check-in, check-out) rules out.
        var acknowledged = workload.AcknowledgedBookings;
        var lost = acknowledged.Count(a => !stored.TryGetValue(a.Id, out var status)
            || !(a.Allowed.Contains(status) || (cancelledAfter.Contains(a.Id) && status == "cancelled")));

        // Doubled: a booking row that no request's key names (the same operation made twice under another id),
        // or one key told two different bookings.
        var named = workload.Keys.Select(k => BookingIdFor(k.User, k.Key)).ToHashSet();
        var doubled = stored.Keys.Count(id => !named.Contains(id))
            + acknowledged.GroupBy(a => (a.UserId, a.Key)).Count(g => g.Select(a => a.Id).Distinct().Count() > 1)
            + acknowledged.Count(a => a.Id != BookingIdFor(a.UserId, a.Key));
        var acknowledgedIds = acknowledged.Select(a => a.Id).ToHashSet();
        var storedButUnacknowledged = stored.Keys.Count(id => !acknowledgedIds.Contains(id));

        // Overlaps: two active bookings of a capacity-1 instrument at once (the exclusion constraint should make this impossible).
        var overlapCount = await CountAsync(connection, $"""
            SELECT count(*) FROM bookings a JOIN bookings b
              ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.during && b.during
            WHERE a.instrument_id = ANY(@i) AND a.exclusive AND b.exclusive
              AND a.status IN ({Holding}) AND b.status IN ({Holding})
            """, ids);

        // Over capacity: an active booking at whose start more active bookings run than the instrument has seats
        // (the most that overlap at any instant is reached at some booking's start).
        var overCapacity = await CountAsync(connection, $"""
            SELECT count(*) FROM bookings b JOIN instrument_limits l ON l.instrument_id = b.instrument_id
            WHERE b.instrument_id = ANY(@i) AND b.status IN ({Holding})
              AND (SELECT count(*) FROM bookings o
                   WHERE o.instrument_id = b.instrument_id AND o.status IN ({Holding}) AND o.during @> lower(b.during)) > l.capacity
            """, ids);

        // Quota overdrawn: a team's minutes on an instrument in a month of the lab's calendar (counted as the
        // grain counts them: holding time, completed, and no-shows, which are charged) beyond its quota.
        var quotaOverdrawn = await CountAsync(connection, $"""
            SELECT count(*) FROM (
                SELECT q.team_id, q.instrument_id, date_trunc('month', lower(b.during) AT TIME ZONE i.time_zone)
                FROM team_quotas q
                JOIN instruments i ON i.id = q.instrument_id
                JOIN bookings b ON b.team_id = q.team_id AND b.instrument_id = q.instrument_id
                WHERE q.instrument_id = ANY(@i) AND b.status IN ({Holding}, 'completed', 'no-show')
                GROUP BY 1, 2, 3, q.minutes_per_month
                HAVING sum(extract(epoch FROM upper(b.during) - lower(b.during)) / 60) > q.minutes_per_month) overdrawn
            """, ids);

        // The ledger against the bookings: no rows for bookings that do not exist; exactly one outcome row for
        // each completed (usage) and no-show booking, none for any other (but a late cancellation's); every
        // outcome row of its booking's team and instrument, at the instrument's rate for its tariff, for the
        // booked minutes, charged those (no charge-actual rule) at rate times minutes.
        var ledgerOrphans = await CountAsync(connection, """
            SELECT count(*) FROM usage_ledger l
            WHERE l.instrument_id = ANY(@i) AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = l.booking_id)
            """, ids);
        var ledgerMissing = await CountAsync(connection, $"""
            SELECT count(*) FROM bookings b
            CROSS JOIN LATERAL (SELECT count(*) AS n, min(l.kind) AS kind FROM usage_ledger l
                                WHERE l.booking_id = b.id AND l.kind <> 'reversal' AND l.corrects IS NULL) o
            WHERE b.instrument_id = ANY(@i) AND NOT (
                   (b.status = 'completed' AND o.n = 1 AND o.kind = 'usage')
                OR (b.status = 'no-show' AND o.n = 1 AND o.kind = 'no-show')
                OR (b.status = 'cancelled' AND (o.n = 0 OR (o.n = 1 AND o.kind = 'late-cancellation')))
                OR (b.status IN ({Holding}, 'rejected') AND o.n = 0))
            """, ids);
        var ledgerMispriced = await CountAsync(connection, """
            SELECT count(*) FROM usage_ledger l JOIN bookings b ON b.id = l.booking_id
            WHERE l.instrument_id = ANY(@i) AND l.kind <> 'reversal' AND (
                   l.instrument_id <> b.instrument_id OR l.team_id <> b.team_id OR l.currency <> 'CNY'
                OR l.hourly_rate <> CASE l.tariff WHEN 'internal' THEN 100 WHEN 'partner' THEN 150 ELSE 200 END
                OR l.booked_minutes <> extract(epoch FROM upper(b.during) - lower(b.during)) / 60
                OR l.charged_minutes <> l.booked_minutes
                OR l.amount <> round(l.charged_minutes * l.hourly_rate / 60, 2))
            """, ids);
        var ledgerRows = await CountAsync(connection, "SELECT count(*) FROM usage_ledger WHERE instrument_id = ANY(@i)", ids);

        var (cancelled, checkedIn, checkedOut, walkUps) = workload.Transitions;
        return new ChaosFigures(
            kind, workload.Sent, acknowledged.Count, workload.Refused, workload.Unsettled, lost, doubled, overlapCount,
            workload.InternalErrors, acknowledged.Count(a => a.At > healedAt), storedButUnacknowledged, workload.LongestUnavailability)
        {
            LedgerMismatches = ledgerOrphans + ledgerMissing + ledgerMispriced,
            LedgerRows = ledgerRows,
            QuotaOverdrawn = quotaOverdrawn,
            OverCapacity = overCapacity,
            Cancelled = cancelled,
            CheckedIn = checkedIn,
            CheckedOut = checkedOut,
            WalkUps = walkUps,
            FencedWrites = fenced,
            CreatedWithoutBody = workload.CreatedWithoutBody,
        };
    }

    private const string Holding = "'pending', 'confirmed', 'checked-in'";

    private static async Task<int> CountAsync(NpgsqlConnection connection, string sql, string[] instruments)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("i", instruments);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Guid BookingIdFor(string userId, string key) => ChaosClients.BookingIdFor(userId, key);
}
