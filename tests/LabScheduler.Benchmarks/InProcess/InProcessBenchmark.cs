using System.Diagnostics;
using System.Globalization;
using LabScheduler.Contracts.Availability;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Bookings;
using LabScheduler.Silo.Hosting;
using LabScheduler.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Benchmarks.InProcess;

/// <summary>
/// The in-process benchmark (./bench.sh --in-process): one silo in this process on a fresh database,
/// grains called directly, each figure paired with a plain-SQL baseline in the same run.
/// </summary>
public static class InProcessBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        // LabScheduler benchmark: one silo on a fresh PostgreSQL database (LABSCHED_TEST_DB, as ./test.sh sets it;
        // tests/LabScheduler.Benchmarks/run.sh starts one). Every figure is paired with a baseline measured in the
        // same run on the same machine, because the machines are noisy: compare the ratios, not the absolute numbers.
        var instruments = Arg("--instruments", 1000);
        var bookingsPerInstrument = Arg("--bookings-per-instrument", 10);
        var concurrency = Arg("--concurrency", 16);
        var searches = Arg("--searches", 30);
        var reportBookings = Arg("--report-bookings", 0);

        await using var database = await TestDatabase.CreateAsync("bench");
        var clock = NodaTime.Testing.FakeClock.FromUtc(2026, 11, 30, 0, 0, 0);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IClock>(clock);
        builder.UseOrleans(silo => silo.AddLabScheduler(new LabSchedulerSiloOptions
        {
            ConnectionString = database.ConnectionString, ClusterId = "bench", SiloPort = 21_511, GatewayPort = 31_511,
        }));
        using var host = builder.Build();
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        Console.WriteLine($"LabScheduler benchmark: {instruments} instruments, {bookingsPerInstrument} bookings each, concurrency {concurrency}, {Environment.ProcessorCount} cores");

        // Reference data: 10 labs in different zones, one team, one member.
        string[] zones = ["Asia/Shanghai", "Asia/Dushanbe", "Asia/Novosibirsk", "Asia/Almaty", "Asia/Kolkata", "Asia/Tehran", "Europe/Minsk", "Asia/Tashkent", "Asia/Bishkek", "Asia/Karachi"];
        await grains.GetGrain<IUserGrain>("bench-user").CreateAsync(Actor.System, new UserProfile { Id = "bench-user", DisplayName = "B", Email = "b@x.y", TimeZone = "UTC", MemberState = "CN" });
        await grains.GetGrain<ITeamGrain>("bench-team").CreateAsync(Actor.System, new TeamProfile { Id = "bench-team", Name = "T", Institution = "I", MemberState = "CN" });
        await grains.GetGrain<ITeamGrain>("bench-team").AddMemberAsync(Actor.System, "bench-user");
        var created = Stopwatch.StartNew();
        for (var lab = 0; lab < zones.Length; lab++)
        {
            await grains.GetGrain<ILabGrain>($"lab-{lab}").CreateAsync(Actor.System, new LabProfile
            {
                Id = $"lab-{lab}", Name = "Lab", HostInstitution = "U", MemberState = "CN", TimeZone = zones[lab],
            });
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, instruments), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            await grains.GetGrain<ILabGrain>($"lab-{i % zones.Length}").AddInstrumentAsync(Actor.System, new InstrumentDefinition
            {
                Id = $"inst-{i}", Name = "NMR", Category = "nmr", Currency = "CNY", Rates = new Rates(1, 1, 1), Rules = new BookingRules { HorizonDays = 365 },
            }));
        Console.WriteLine($"setup: {instruments} instruments created in {created.Elapsed.TotalSeconds:0.0} s");

        // 1. Booking throughput: through the instrument grains (conflict check in memory, one row per booking)
        //    against plain SQL inserts of the same rows into the same table (exclusion constraint included).
        var actor = new Actor("bench-user");
        var origin = Instant.FromUtc(2026, 12, 1, 0, 0);
        Interval Slot(int n) => new(origin + Duration.FromHours(n * 2), origin + Duration.FromHours((n * 2) + 1));
        var work = Enumerable.Range(0, instruments * bookingsPerInstrument).Select(n => (Instrument: n % instruments, Slot: n / instruments)).ToList();

        var grainLatencies = new double[work.Count];
        var grainRun = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            var result = await grains.GetGrain<IInstrumentGrain>($"inst-{work[n].Instrument}").BookAsync(actor, new BookCommand { TeamId = "bench-team", Interval = Slot(work[n].Slot) });
            grainLatencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException(result.Problem!.Detail);
            }
        });
        grainRun.Stop();

        var sqlLatencies = new double[work.Count];
        var sqlRun = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            await using var command = database.DataSource.CreateCommand("""
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at)
                VALUES (@id, @i, 'lab', 'bench-team', 'bench-user', 'confirmed', @during, true, now(), now())
                """);
            command.Parameters.AddWithValue("id", Guid.CreateVersion7());
            command.Parameters.AddWithValue("i", $"sql-{work[n].Instrument}");
            command.Parameters.AddWithValue("during", Slot(work[n].Slot));
            await command.ExecuteNonQueryAsync(ct);
            sqlLatencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        sqlRun.Stop();

        var grainRate = work.Count / grainRun.Elapsed.TotalSeconds;
        var sqlRate = work.Count / sqlRun.Elapsed.TotalSeconds;
        Console.WriteLine($"bookings via grains: {work.Count} in {grainRun.Elapsed.TotalSeconds:0.00} s = {grainRate:0} /s, p50 {P(grainLatencies, 50):0.0} ms, p99 {P(grainLatencies, 99):0.0} ms");
        Console.WriteLine($"bookings via SQL   : {work.Count} in {sqlRun.Elapsed.TotalSeconds:0.00} s = {sqlRate:0} /s, p50 {P(sqlLatencies, 50):0.0} ms, p99 {P(sqlLatencies, 99):0.0} ms");
        Console.WriteLine($"ratio grains/SQL throughput: {grainRate / sqlRate:0.00}");

        // 2. Slot search over every instrument: the catalog plus one SQL read, against asking each instrument
        //    grain for its free time (activating all of them) and computing the slots from that.
        var window = new Interval(origin, origin + Duration.FromDays(7));
        var query = new SlotQuery { Category = "nmr", Length = Duration.FromHours(1), Window = window, Limit = 100 };
        var searchLatencies = new List<double>();
        for (var i = 0; i < searches; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var slots = await grains.GetGrain<ISlotSearchGrain>(0).FindAsync(actor, query);
            searchLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (slots.Count != 100)
            {
                throw new InvalidOperationException($"expected 100 slots, got {slots.Count}");
            }
        }

        var fanOutLatencies = new List<double>();
        for (var i = 0; i < Math.Max(3, searches / 5); i++)
        {
            var started = Stopwatch.GetTimestamp();
            var free = await Task.WhenAll(Enumerable.Range(0, instruments).Select(n => grains.GetGrain<IInstrumentGrain>($"inst-{n}").GetFreeAsync(window)));
            _ = free.SelectMany(f => f).OrderBy(f => f.Start).Take(100).ToList();
            fanOutLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // The fan-out once more from cold: every instrument grain deactivated first, as after a restart.
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var cold = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, instruments).Select(n => grains.GetGrain<IInstrumentGrain>($"inst-{n}").GetFreeAsync(window)));
        cold.Stop();

        Console.WriteLine($"slot search (index)       : p50 {P([.. searchLatencies], 50):0.0} ms, p95 {P([.. searchLatencies], 95):0.0} ms over {instruments} instruments");
        Console.WriteLine($"slot search (grain fan-out, cold: activates every instrument): {cold.Elapsed.TotalMilliseconds:0} ms");
        Console.WriteLine($"slot search (grain fan-out, instruments already active): p50 {P([.. fanOutLatencies], 50):0.0} ms");
        Console.WriteLine($"ratio index/fan-out latency: {P([.. searchLatencies], 50) / P([.. fanOutLatencies], 50):0.00}");
        // 3. Reports on a large history: generate bookings (and their ledger rows) straight into the tables,
        //    then time each report query against a plain count over the same table as the baseline.
        if (reportBookings > 0)
        {
            for (var t = 0; t < 50; t++)
            {
                await grains.GetGrain<ITeamGrain>($"team-{t}").CreateAsync(Actor.System, new TeamProfile { Id = $"team-{t}", Name = "T", Institution = $"Institute {t % 7}", MemberState = "TJ" });
            }

            var generate = Stopwatch.StartNew();
            await using (var fill = database.DataSource.CreateCommand("""
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at, checked_in_at, ended_at)
                SELECT gen_random_uuid(), 'inst-' || (n % @instruments), 'lab-' || ((n % @instruments) % 10), 'team-' || (n % 50), 'bench-user',
                       (ARRAY['completed','completed','completed','completed','completed','completed','completed','no-show','cancelled','confirmed'])[1 + (n % 10)],
                       tstzrange(timestamptz '2025-01-01T00:00:00Z' + (n / @instruments) * interval '7 hours',
                                 timestamptz '2025-01-01T00:00:00Z' + (n / @instruments) * interval '7 hours' + interval '2 hours', '[)'),
                       true, now(), now(), NULL, NULL
                FROM generate_series(0, @count - 1) AS n
                """))
            {
                fill.CommandTimeout = 0;
                fill.Parameters.AddWithValue("instruments", instruments);
                fill.Parameters.AddWithValue("count", reportBookings);
                await fill.ExecuteNonQueryAsync();
            }

            await using (var ledgerFill = database.DataSource.CreateCommand("""
                INSERT INTO usage_ledger (id, booking_id, kind, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                          booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
                SELECT gen_random_uuid(), b.id, CASE b.status WHEN 'no-show' THEN 'no-show' ELSE 'usage' END, b.team_id,
                       (ARRAY['CN','TJ','KZ','IN','RU'])[1 + abs(hashtext(b.team_id)) % 5], b.instrument_id, b.lab_id, 'CN', 'partner',
                       120, 120, 120, 150, 300, 'CNY', date_trunc('month', lower(b.during) AT TIME ZONE 'UTC')::date, now()
                FROM bookings b WHERE b.status IN ('completed', 'no-show') AND b.instrument_id LIKE 'inst-%'
                """))
            {
                ledgerFill.CommandTimeout = 0;
                await ledgerFill.ExecuteNonQueryAsync();
            }

            await using (var analyze = database.DataSource.CreateCommand("ANALYZE bookings; ANALYZE usage_ledger"))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            var total = await database.ScalarAsync<long>("SELECT count(*) FROM bookings");
            Console.WriteLine($"reports: generated {reportBookings} bookings (table now {total}) and their ledger rows in {generate.Elapsed.TotalSeconds:0} s");

            var accounting = grains.GetGrain<LabScheduler.Contracts.Accounting.IAccountingGrain>(0);
            async Task Time(string name, Func<Task> run)
            {
                await run(); // warm
                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await run();
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                Console.WriteLine($"  {name,-52} p50 {P([.. times], 50),7:0.0} ms  max {times.Max(),7:0.0} ms");
            }

            var march = new LocalDate(2025, 3, 1);
            await Time("baseline: count(*) of the whole bookings table", () => database.ScalarAsync<long>("SELECT count(*) FROM bookings"));
            await Time("utilization, one month, all labs, by lab", () => accounting.UtilizationAsync(Actor.System, march, march.PlusMonths(1), "lab", null));
            await Time("utilization, one month, one lab, by team", () => accounting.UtilizationAsync(Actor.System, march, march.PlusMonths(1), "team", "lab-3"));
            await Time("utilization, a whole year, all labs, by memberState", () => accounting.UtilizationAsync(Actor.System, new LocalDate(2025, 1, 1), new LocalDate(2026, 1, 1), "memberState", null));
            await Time("statements, one month, by team", () => accounting.StatementsAsync(Actor.System, march, "team"));
            await Time("settlement, one month", () => accounting.SettlementAsync(Actor.System, march));
            await Time("team usage, one month", () => accounting.TeamUsageAsync(Actor.System, "team-7", march));

            // The nightly roll-up, then the long ranges again: they now read one row per instrument-day.
            var rollupRun = Stopwatch.StartNew();
            var rolled = await new LabScheduler.Silo.Jobs.RollupJob(
                new LabScheduler.Persistence.Accounting.Rollups(database.DataSource), grains, clock,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<LabScheduler.Silo.Jobs.RollupJob>.Instance).RunAsync(CancellationToken.None);
            Console.WriteLine($"reports: nightly roll-up of the whole history: {rolled} day rows in {rollupRun.Elapsed.TotalSeconds:0.0} s");
            await Time("after roll-up: utilization, one month, all labs, by lab", () => accounting.UtilizationAsync(Actor.System, march, march.PlusMonths(1), "lab", null));
            await Time("after roll-up: utilization, a whole year, all labs, by memberState", () => accounting.UtilizationAsync(Actor.System, new LocalDate(2025, 1, 1), new LocalDate(2026, 1, 1), "memberState", null));
        }

        await host.StopAsync();

        static double P(double[] values, int percentile)
        {
            var sorted = values.Order().ToArray();
            return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
        }

        int Arg(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }
    }
}
