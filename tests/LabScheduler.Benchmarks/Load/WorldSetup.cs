using System.Diagnostics;
using LabScheduler.Persistence;
using Npgsql;

namespace LabScheduler.Benchmarks.Load;

/// <summary>Creates the world through LabScheduler's HTTP API as an administrator would, and writes history straight into its tables.</summary>
public static class WorldSetup
{
    public const string Admin = "admin";

    /// <summary>The growth instruments and how many bookings each holds before the scenario.</summary>
    public static readonly (string Id, int Existing)[] GrowthInstruments = [("bg-0", 0), ("bg-10k", 10_000), ("bg-100k", 100_000)];

    public static async Task CreateAsync(Api api, World world, Action<string> say)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(world.Labs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lab, _) =>
            await api.MustAsync(HttpMethod.Post, "/api/v1/labs", Admin, new
            {
                id = lab.Id, name = $"Joint lab {lab.Id}", hostInstitution = "University", memberState = lab.MemberState, timeZone = lab.TimeZone,
                partnerStates = new[] { "TJ", "KZ" },
            }, alsoFine: 409));
        var weekly = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" }
            .Select(day => new { day, from = $"{World.OpenFromHour:D2}:00", to = $"{World.OpenToHour:D2}:00" }).ToArray();
        await Parallel.ForEachAsync(world.Instruments, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (instrument, _) =>
        {
            await api.MustAsync(HttpMethod.Post, $"/api/v1/labs/{instrument.LabId}/instruments", Admin, new
            {
                id = instrument.Id, name = $"{instrument.Category} {instrument.Id}", category = instrument.Category, currency = "CNY",
                rates = new { @internal = 100, partner = 150, external = 200 },
                rules = new { slotMinutes = 15, minMinutes = 30, maxMinutes = 480, horizonDays = 90 },
            }, alsoFine: 409);
            await api.MustAsync(HttpMethod.Put, $"/api/v1/instruments/{instrument.Id}/opening-hours", Admin, new { weekly, closedDates = Array.Empty<string>() });
        });
        foreach (var (id, _) in GrowthInstruments)
        {
            await api.MustAsync(HttpMethod.Post, $"/api/v1/labs/{world.Labs[0].Id}/instruments", Admin, new
            {
                id, name = id, category = "growth", currency = "CNY", rates = new { @internal = 1, partner = 1, external = 1 },
                rules = new { slotMinutes = 15, minMinutes = 15, maxMinutes = 480, horizonDays = 3660 },
            }, alsoFine: 409);
        }

        say($"world: {world.Labs.Count} labs, {world.Instruments.Count} instruments (+{GrowthInstruments.Length} for growth) in {watch.Elapsed.TotalSeconds:0.0} s");
        watch.Restart();
        await Parallel.ForEachAsync(world.Teams.Select((team, index) => (team, index)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, _) =>
            await api.MustAsync(HttpMethod.Post, "/api/v1/teams", Admin, new
            {
                id = t.team, name = $"Team {t.team}", institution = $"Institute {t.index % 40}", memberState = world.Labs[t.index % world.Labs.Count].MemberState,
            }, alsoFine: 409));
        await Parallel.ForEachAsync(world.Researchers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (researcher, _) =>
        {
            await api.MustAsync(HttpMethod.Post, "/api/v1/users", Admin, new
            {
                id = researcher.Id, displayName = $"Researcher {researcher.Id}", email = $"{researcher.Id}@example.org", timeZone = researcher.TimeZone, memberState = "TJ",
            }, alsoFine: 409);
            await api.MustAsync(HttpMethod.Put, $"/api/v1/teams/{researcher.TeamId}/members/{researcher.Id}", Admin);
        });
        say($"world: {world.Teams.Count} teams, {world.Researchers.Count} researchers in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Written while LabScheduler is stopped, so its grains load it when they activate: the growth
    /// instruments' future bookings (15 minutes each, from day 100 on, beyond the 85 days the
    /// scenario books in) and a past year of bookings with their ledger rows for the reports.
    /// </summary>
    public static async Task WriteHistoryAsync(string connectionString, World world, int reportBookings, Action<string> say)
    {
        await using var db = LabSchedulerDataSource.Create(connectionString);
        var watch = Stopwatch.StartNew();
        foreach (var (id, existing) in GrowthInstruments.Where(g => g.Existing > 0))
        {
            await ExecuteAsync(db, """
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, created_at, updated_at, team_state)
                SELECT gen_random_uuid(), @id, @lab, @team, @user, 'confirmed',
                       tstzrange(date_trunc('day', now()) + interval '100 days' + n * interval '30 minutes',
                                 date_trunc('day', now()) + interval '100 days' + n * interval '30 minutes' + interval '15 minutes', '[)'),
                       true, 'growth', now(), now(), 'TJ'
                FROM generate_series(0, @count - 1) AS n
                """, ("id", id), ("lab", world.Labs[0].Id), ("team", world.Researchers[0].TeamId), ("user", world.Researchers[0].Id), ("count", existing));
        }

        say($"history: growth instruments filled in {watch.Elapsed.TotalSeconds:0.0} s");
        watch.Restart();
        await ExecuteAsync(db, """
            INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, created_at, updated_at, team_state)
            SELECT gen_random_uuid(), i.id, i.lab, t.id, 'admin',
                   (ARRAY['completed','completed','completed','completed','completed','completed','completed','no-show','cancelled','completed'])[1 + (n % 10)],
                   tstzrange(timestamptz '2025-01-01T00:00:00Z' + (n / @instruments) * interval '7 hours',
                             timestamptz '2025-01-01T00:00:00Z' + (n / @instruments) * interval '7 hours' + interval '2 hours', '[)'),
                   true, 'history', now(), now(), 'TJ'
            FROM generate_series(0, @count - 1) AS n
            CROSS JOIN LATERAL (SELECT (@ids)[1 + n % @instruments] AS id, (@labs)[1 + n % @instruments] AS lab) i
            CROSS JOIN LATERAL (SELECT (@teams)[1 + (n / 7) % @teamCount] AS id) t
            """,
            ("instruments", world.Instruments.Count), ("count", reportBookings),
            ("ids", world.Instruments.Select(i => i.Id).ToArray()), ("labs", world.Instruments.Select(i => i.LabId).ToArray()),
            ("teams", world.Teams.ToArray()), ("teamCount", world.Teams.Count));
        await ExecuteAsync(db, """
            INSERT INTO usage_ledger (id, booking_id, kind, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                      booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
            SELECT gen_random_uuid(), b.id, CASE b.status WHEN 'no-show' THEN 'no-show' ELSE 'usage' END, b.team_id, 'TJ',
                   b.instrument_id, b.lab_id, 'CN', 'external', 120, 120, 120, 200, 400, 'CNY',
                   date_trunc('month', lower(b.during) AT TIME ZONE 'UTC')::date, now()
            FROM bookings b WHERE b.purpose = 'history' AND b.status IN ('completed', 'no-show')
            """);
        await ExecuteAsync(db, "ANALYZE");
        say($"history: {reportBookings} past bookings and their ledger rows in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        command.CommandTimeout = 0;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
