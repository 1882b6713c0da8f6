using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NodaTime;
using LabScheduler.Persistence;

namespace LabScheduler.Benchmarks.Load;

/// <summary>Options of a load run (./bench.sh [--quick] [--only a,b] [--cluster N]).</summary>
public sealed record LoadOptions(bool Quick, string Root, string AdminConnectionString, string ResultsFile, IReadOnlySet<string>? Only = null, int? ClusterSilos = null)
{
    /// <summary>Gateways of a --cluster run; the load is spread over their URLs.</summary>
    public int ClusterGateways => 2;

    /// <summary>What a scenario's name gets in a --cluster run ("book-2silos"), so that its figures are never taken for the single process's.</summary>
    public string NameSuffix => ClusterSilos is { } silos ? $"-{silos}silos" : "";

    /// <summary>Whether the scenario is to run (all of them unless --only names some).</summary>
    public bool Runs(string scenario) => Only is null || Only.Contains(scenario);

    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(8) : TimeSpan.FromSeconds(20);

    /// <summary>
    /// The longest untimed warm-up of `book` and `free` (see WarmUpUnderLoadAsync), and the shortest.
    /// </summary>
    public TimeSpan MaxWarmUp => Quick ? TimeSpan.FromSeconds(45) : TimeSpan.FromSeconds(90);

    public TimeSpan MinWarmUp => TimeSpan.FromSeconds(5);

    public int Clients => 64;

    public int Instruments => 1000;

    public int ReportBookings => Quick ? 200_000 : 1_000_000;

    /// <summary>Instruments the catalog scenario creates on top of the world's.</summary>
    public int CatalogInstruments => Quick ? 2_000 : 10_000;
}

/// <summary>
/// The load benchmark: LabScheduler as ./run.sh starts it and the SQL-only baseline, on the same
/// machine and PostgreSQL, driven over HTTP by the same load in one run. Prints a table and writes
/// bench-results.json. Figures, not assertions: compare the ratios, the machines are noisy.
/// </summary>
public sealed class LoadBenchmark(LoadOptions options)
{
    private static readonly string[] HoldingTime = ["pending", "confirmed", "checked-in"];

    private readonly List<ScenarioResult> _results = [];
    private readonly Random _seed = new(20261201);

    public async Task<int> RunAsync()
    {
        var work = Path.Combine(options.Root, ".test-data", "bench-load");
        Directory.CreateDirectory(work);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false,
        }) { Timeout = TimeSpan.FromSeconds(60) };
        await using var systems = new Systems(options.Root, options.AdminConnectionString, work, options.ClusterSilos, options.ClusterGateways);
        var world = World.Generate(options.Instruments, teams: 200, researchers: 2000);
        Say($"LabScheduler load benchmark ({(options.Quick ? "quick" : "full")}), {Machine()}"
            + (options.ClusterSilos is { } silos ? $"; LabScheduler as deploy/cluster.sh runs it: {silos} silos, {options.ClusterGateways} gateways" : ""));

        await systems.CreateDatabasesAsync();
        await systems.StartLabSchedulerAsync(http);
        var tokens = new TokenSource(http, systems.LabSchedulerUrl);
        var labScheduler = new Api(http, systems.LabSchedulerUrls, tokens);
        var baseline = new Api(http, systems.BaselineUrl, tokens);
        await WorldSetup.CreateAsync(labScheduler, world, Say);
        await Parallel.ForEachAsync(world.Researchers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (r, _) => await tokens.ForAsync(r.Id));

        // History goes in while LabScheduler is down, so every grain starts cold afterwards.
        await systems.StopLabSchedulerAsync();
        await WorldSetup.WriteHistoryAsync(systems.LabSchedulerDb, world, options.ReportBookings, Say);
        await systems.StartLabSchedulerAsync(http);
        await systems.SeedBaselineAsync(world);
        await systems.StartBaselineAsync(http);
        Say("both systems ready; scenarios follow");

        var bookable = world.Instruments.Take(world.Instruments.Count - 60).ToArray(); // the last 60: contended and cold
        var contended = world.Instruments.Skip(world.Instruments.Count - 10).ToArray();
        var cold = world.Instruments.Skip(world.Instruments.Count - 60).Take(50).ToArray();

        if (options.Runs("cold"))
        {
            await ColdAsync(labScheduler, world, cold);
        }

        if (options.Runs("growth"))
        {
            await GrowthAsync(labScheduler, world);
        }

        var book = options.Runs("book") || options.Runs("p99at70") ? await BookAsync(labScheduler, baseline, world, bookable, systems) : default;
        if (options.Runs("contended"))
        {
            await ContendedAsync(labScheduler, baseline, world, contended, systems);
        }

        if (options.Runs("free"))
        {
            await FreeAsync(labScheduler, baseline, world, bookable);
        }

        if (options.Runs("search"))
        {
            await SearchAsync(labScheduler, world);
        }

        if (options.Runs("p99at70"))
        {
            await P99At70Async(labScheduler, baseline, world, bookable, book);
        }

        if (options.Runs("report"))
        {
            await ReportAsync(labScheduler);
        }

        if (options.Runs("catalog"))
        {
            await CatalogAsync(labScheduler, world);
        }

        var results = new BenchResults(Machine(), options.Quick, _results);
        Console.WriteLine();
        Console.WriteLine(results.Table());
        await results.WriteAsync(options.ResultsFile);
        Say($"wrote {options.ResultsFile}");
        // A cluster run that did not book on every silo did not show what it is for.
        return _results.Any(r => r.OverlapsFound > 0 || r.ActiveSilos is { } active && (active < options.ClusterSilos || r.BookingsBySilo!.Count(s => s.Value > 0) < options.ClusterSilos)) ? 1 : 0;
    }

    private async Task<(RunResult LabScheduler, RunResult Baseline)> BookAsync(Api labScheduler, Api baseline, World world, InstrumentSpec[] instruments, Systems systems)
    {
        await WarmAsync(labScheduler, baseline, world, instruments);
        await WarmUpUnderLoadAsync("book", labScheduler, Booker(labScheduler, world, instruments, 11), Booker(baseline, world, instruments, 12));
        var created = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var pg0 = await PgWrites.SampleAsync(systems.LabSchedulerDb);
        var cpu0 = CpuMeter.Sample();
        var ours = await LoadGenerator.ClosedLoopAsync(options.Clients, options.Duration, Booker(labScheduler, world, instruments, 1, created));
        var cpu1 = CpuMeter.Sample();
        var pg1 = await PgWrites.SampleAsync(systems.LabSchedulerDb);
        var theirs = await LoadGenerator.ClosedLoopAsync(options.Clients, options.Duration, Booker(baseline, world, instruments, 2));
        var cpu2 = CpuMeter.Sample();
        var result = ScenarioResult.Of("book", ours, IsError) with
        {
            BaselineOpsPerSec = ScenarioResult.Round(theirs.OpsPerSecond),
            BaselineP99Ms = ScenarioResult.Round(theirs.Latencies.Percentile(99)),
            Ratio = ScenarioResult.Round(ours.OpsPerSecond / theirs.OpsPerSecond),
            Note = $"labsched {ours.Latencies.Statuses()}, {CpuMeter.PerOperation(cpu0, cpu1, ours.Latencies.Count)}, {PgWrites.PerOperation(pg0, pg1, ours.Latencies.Count)}; "
                + $"baseline {theirs.Latencies.Statuses()}, {CpuMeter.PerOperation(cpu1, cpu2, theirs.Latencies.Count)}",
        };
        Add(options.ClusterSilos is null ? result : await WithClusterEvidenceAsync(result, systems, instruments, created));
        return (ours, theirs);
    }

    /// <summary>
    /// What shows that a cluster did the booking: the silos Active in the membership table, which
    /// silo held each instrument grain (the grain that takes an instrument's bookings) right after
    /// the run, and so how many of the run's created bookings each silo took; and no overlapping
    /// bookings in the database afterwards.
    /// </summary>
    private async Task<ScenarioResult> WithClusterEvidenceAsync(ScenarioResult result, Systems systems, InstrumentSpec[] instruments, ConcurrentDictionary<string, int> created)
    {
        var active = await systems.ActiveSilosAsync();
        var hosts = await ClusterProbe.InstrumentSilosAsync(systems.LabSchedulerDb);
        var overlaps = await OverlapsAsync(systems.LabSchedulerDb, instruments);
        var grainsBySilo = active.ToDictionary(s => s, s => instruments.Count(i => hosts.GetValueOrDefault(i.Id) == s), StringComparer.Ordinal);
        var bookingsBySilo = active.ToDictionary(s => s, s => created.Where(c => hosts.GetValueOrDefault(c.Key) == s).Sum(c => c.Value), StringComparer.Ordinal);
        var elsewhere = created.Where(c => !hosts.TryGetValue(c.Key, out var silo) || !active.Contains(silo)).Sum(c => c.Value);
        var perSilo = string.Join(", ", active.Select(s => $"{s} {grainsBySilo[s]} instrument grains, {bookingsBySilo[s]} bookings"));
        return result with
        {
            OverlapsFound = overlaps,
            ActiveSilos = active.Count,
            InstrumentGrainsBySilo = grainsBySilo,
            BookingsBySilo = bookingsBySilo,
            Note = $"{active.Count} Active silos in the membership table; by the silo that held the instrument's grain after the run: {perSilo}"
                + (elsewhere > 0 ? $", {elsewhere} bookings on instruments found on no Active silo" : "")
                + $"; overlaps in the database {overlaps}; requests spread over {options.ClusterGateways} gateways; " + result.Note,
        };
    }

    /// <summary>
    /// `book` measures a running system, not activations (`cold` does): after the restart every grain
    /// is inactive, and 3,000 bookings of a quick run would otherwise activate 1,000 instruments, 2,000
    /// users and 200 teams while being timed. Each instrument's free time is asked once of both systems
    /// (grain and baseline connections), each researcher's profile and each team once of LabScheduler.
    /// </summary>
    private async Task WarmAsync(Api labScheduler, Api baseline, World world, InstrumentSpec[] instruments)
    {
        var started = Stopwatch.GetTimestamp();
        var from = SystemClock.Instance.GetCurrentInstant() + NodaTime.Duration.FromDays(1);
        var window = $"from={World.Rfc3339(from)}&to={World.Rfc3339(from + NodaTime.Duration.FromDays(1))}";
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Clients };
        var reader = world.Researchers[0].Id;
        await Parallel.ForEachAsync(instruments, parallel, async (i, ct) =>
        {
            await labScheduler.SendAsync(HttpMethod.Get, $"/api/v1/instruments/{i.Id}/free?{window}", reader, cancellationToken: ct);
            await baseline.SendAsync(HttpMethod.Get, $"/api/v1/instruments/{i.Id}/free?{window}", reader, cancellationToken: ct);
        });
        await Parallel.ForEachAsync(world.Researchers, parallel, async (r, ct) => await labScheduler.SendAsync(HttpMethod.Get, "/api/v1/me", r.Id, cancellationToken: ct));
        await Parallel.ForEachAsync(world.Researchers.DistinctBy(r => r.TeamId), parallel, async (r, ct) =>
            await labScheduler.SendAsync(HttpMethod.Get, $"/api/v1/teams/{r.TeamId}", r.Id, cancellationToken: ct));
        Say($"book: warmed {instruments.Length} instruments, {world.Researchers.Count} researchers and their teams in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    /// <summary>
    /// The scenario's own load on each system, untimed, until LabScheduler's JIT has settled: after a
    /// start some 40,000 methods of ASP.NET Core, Orleans, Npgsql and ours are jitted, counted and
    /// re-jitted optimized in the background, about 15 s of CPU on this machine, and on two busy cores
    /// that takes the first 20 to 30 s under load. A quick run timed right after the start measured
    /// mostly unoptimized code: 1.3 ms of LabScheduler's CPU per booking against 0.4 ms once settled.
    /// Settled: less than 2 % of a core in the JIT over the last two seconds (from LabScheduler's
    /// /metrics), after at least <see cref="LoadOptions.MinWarmUp"/> and at most
    /// <see cref="LoadOptions.MaxWarmUp"/>. The baseline gets the same load for as long.
    /// </summary>
    private async Task WarmUpUnderLoadAsync(string scenario, Api labSchedulerApi, Operation ours, Operation theirs)
    {
        var period = TimeSpan.FromSeconds(2);
        var started = Stopwatch.GetTimestamp();
        using var settled = new CancellationTokenSource();
        var load = LoadGenerator.ClosedLoopAsync(options.Clients, options.MaxWarmUp, ours, settled.Token);
        using var every = new PeriodicTimer(period);
        var jit = await labSchedulerApi.JitSecondsAsync();
        var jitShare = double.NaN;
        while (jit is not null && !load.IsCompleted && await every.WaitForNextTickAsync())
        {
            var now = await labSchedulerApi.JitSecondsAsync();
            jitShare = (now - jit) / period.TotalSeconds ?? double.NaN;
            jit = now;
            if (Stopwatch.GetElapsedTime(started) >= options.MinWarmUp && jitShare < 0.02)
            {
                await settled.CancelAsync();
                break; // jitShare stays the figure that ended the warm-up
            }
        }

        var labScheduler = await load;
        var baseline = await LoadGenerator.ClosedLoopAsync(options.Clients, labScheduler.Elapsed, theirs);
        Say($"{scenario}: warmed up under load for {labScheduler.Elapsed.TotalSeconds:0} s each ({labScheduler.OpsPerSecond:0}/s and {baseline.OpsPerSecond:0}/s, untimed); "
            + $"LabScheduler's JIT at the end: {(double.IsNaN(jitShare) ? "not published" : $"{jitShare * 100:0.0} % of a core")}");
    }

    private async Task ContendedAsync(Api labScheduler, Api baseline, World world, InstrumentSpec[] instruments, Systems systems)
    {
        // 64 clients, 10 instruments, 30 one-hour slots each: most attempts lose the race.
        var slots = instruments.SelectMany(i => Enumerable.Range(3, 40)
            .Select(n => SystemClock.Instance.GetCurrentInstant().InZone(i.Zone).Date.PlusDays(n))
            .Where(day => day.DayOfWeek != IsoDayOfWeek.Sunday) // closed on Sundays
            .Take(30)
            .Select(day =>
            {
                var start = i.Zone.AtLeniently(day.At(new LocalTime(10, 0))).ToInstant();
                return (Instrument: i, Slot: new Interval(start, start + NodaTime.Duration.FromHours(1)));
            })).ToArray();
        Operation Racer(Api api, int seed)
        {
            var random = new ThreadLocal<Random>(() => new Random(seed * 7919 + Environment.CurrentManagedThreadId));
            return async (_, ct) =>
            {
                var (instrument, slot) = slots[random.Value!.Next(slots.Length)];
                var researcher = world.Researchers[random.Value!.Next(world.Researchers.Count)];
                return await api.SendAsync(HttpMethod.Post, "/api/v1/bookings", researcher.Id, BookingBody(instrument, researcher, slot), ct);
            };
        }

        var attempts = options.Quick ? 3000 : 8000;
        var ours = await LoadGenerator.CountedAsync(options.Clients, attempts, Racer(labScheduler, 3));
        var theirs = await LoadGenerator.CountedAsync(options.Clients, attempts, Racer(baseline, 4));
        var overlaps = await OverlapsAsync(systems.LabSchedulerDb, instruments) + await OverlapsAsync(systems.BaselineDb, instruments);
        Add(ScenarioResult.Of("contended", ours, IsError) with
        {
            BaselineOpsPerSec = ScenarioResult.Round(theirs.OpsPerSecond),
            Ratio = ScenarioResult.Round(ours.OpsPerSecond / theirs.OpsPerSecond),
            OverlapsFound = overlaps,
            ConflictRate = ScenarioResult.Round(ours.Latencies.WithStatus(409) / (double)ours.Latencies.Count),
            Note = $"{attempts} attempts on {slots.Length} slots; labsched {ours.Latencies.Statuses()}; baseline {theirs.Latencies.Statuses()}; overlaps in both databases {overlaps}",
        });
    }

    private async Task FreeAsync(Api labScheduler, Api baseline, World world, InstrumentSpec[] instruments)
    {
        Operation Query(Api api, int seed)
        {
            var random = new ThreadLocal<Random>(() => new Random(seed * 104729 + Environment.CurrentManagedThreadId));
            var now = SystemClock.Instance.GetCurrentInstant();
            return async (_, ct) =>
            {
                var instrument = instruments[random.Value!.Next(instruments.Length)];
                var from = now + NodaTime.Duration.FromDays(random.Value!.Next(1, 60));
                var researcher = world.Researchers[random.Value!.Next(world.Researchers.Count)];
                return await api.SendAsync(HttpMethod.Get,
                    $"/api/v1/instruments/{instrument.Id}/free?from={World.Rfc3339(from)}&to={World.Rfc3339(from + NodaTime.Duration.FromDays(7))}", researcher.Id, cancellationToken: ct);
            };
        }

        await WarmUpUnderLoadAsync("free", labScheduler, Query(labScheduler, 15), Query(baseline, 16));
        var ours = await LoadGenerator.ClosedLoopAsync(options.Clients, options.Duration, Query(labScheduler, 5));
        var theirs = await LoadGenerator.ClosedLoopAsync(options.Clients, options.Duration, Query(baseline, 6));
        Add(ScenarioResult.Of("free", ours, s => s != 200) with
        {
            BaselineOpsPerSec = ScenarioResult.Round(theirs.OpsPerSecond),
            BaselineP99Ms = ScenarioResult.Round(theirs.Latencies.Percentile(99)),
            Ratio = ScenarioResult.Round(ours.OpsPerSecond / theirs.OpsPerSecond),
            Note = "one-week free time; baseline ignores opening hours",
        });
    }

    private async Task SearchAsync(Api labScheduler, World world)
    {
        var random = new ThreadLocal<Random>(() => new Random(7 + Environment.CurrentManagedThreadId));
        var now = SystemClock.Instance.GetCurrentInstant();
        var run = await LoadGenerator.ClosedLoopAsync(4, options.Duration, async (_, ct) =>
        {
            var from = now + NodaTime.Duration.FromDays(random.Value!.Next(2, 60));
            var category = World.Categories[random.Value!.Next(World.Categories.Length)];
            var researcher = world.Researchers[random.Value!.Next(world.Researchers.Count)];
            return await labScheduler.SendAsync(HttpMethod.Get,
                $"/api/v1/slots?category={category}&durationMinutes=60&from={World.Rfc3339(from)}&to={World.Rfc3339(from + NodaTime.Duration.FromDays(7))}&limit=50",
                researcher.Id, cancellationToken: ct);
        });
        Add(ScenarioResult.Of("search", run, s => s != 200) with { Note = $"slot search over a category's {world.Instruments.Count / World.Categories.Length} instruments in 20 labs, 4 clients" });
    }

    private async Task GrowthAsync(Api labScheduler, World world)
    {
        var p50 = new Dictionary<string, double>();
        var all = new LatencyRecorder();
        var researcher = world.Researchers[0];
        foreach (var (id, existing) in WorldSetup.GrowthInstruments)
        {
            var instrument = new InstrumentSpec(id, world.Labs[0].Id, "growth", DateTimeZone.Utc);
            var random = new Random(existing + 11);
            var now = SystemClock.Instance.GetCurrentInstant();
            Interval Next()
            {
                var start = Instant.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / 900 * 900) + (random.Next(2 * 96, 85 * 96) * 900L));
                return new Interval(start, start + NodaTime.Duration.FromMinutes(15));
            }

            // The first booking activates the grain (and loads what it holds); it is the cold case, not this one.
            var warm = await labScheduler.SendAsync(HttpMethod.Post, "/api/v1/bookings", researcher.Id, BookingBody(instrument, researcher, Next()));
            var run = await LoadGenerator.CountedAsync(1, options.Quick ? 200 : 500, async (_, ct) =>
                await labScheduler.SendAsync(HttpMethod.Post, "/api/v1/bookings", researcher.Id, BookingBody(instrument, researcher, Next()), ct));
            p50[id] = run.Latencies.Percentile(50);
            Say($"growth: {existing} existing bookings: first (activation) answered {warm}, then p50 {p50[id]:0.00} ms, p99 {run.Latencies.Percentile(99):0.00} ms ({run.Latencies.Statuses()})");
        }

        Add(new ScenarioResult
        {
            Name = "growth",
            P50Ms = ScenarioResult.Round(p50["bg-100k"]),
            P50MsAt0 = ScenarioResult.Round(p50["bg-0"]),
            P50MsAt10k = ScenarioResult.Round(p50["bg-10k"]),
            P50MsAt100k = ScenarioResult.Round(p50["bg-100k"]),
            Ratio = ScenarioResult.Round(p50["bg-100k"] / p50["bg-0"]),
            Note = "sequential bookings; ratio = p50 at 100k / p50 at 0",
        });
    }

    private async Task ColdAsync(Api labScheduler, World world, InstrumentSpec[] instruments)
    {
        var random = new Random(13);
        var latencies = new LatencyRecorder();
        var researcher = world.Researchers[1];
        // The gateway and its connection warm up on another instrument first: what is measured is the grain's activation.
        await labScheduler.SendAsync(HttpMethod.Get, $"/api/v1/instruments/{world.Instruments[0].Id}", researcher.Id);
        foreach (var instrument in instruments)
        {
            var slot = World.RandomSlot(random, instrument, SystemClock.Instance.GetCurrentInstant());
            var started = Stopwatch.GetTimestamp();
            var status = await labScheduler.SendAsync(HttpMethod.Post, "/api/v1/bookings", researcher.Id, BookingBody(instrument, researcher, slot));
            latencies.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
        }

        Add(new ScenarioResult
        {
            Name = "cold",
            P50Ms = ScenarioResult.Round(latencies.Percentile(50)),
            P95Ms = ScenarioResult.Round(latencies.Percentile(95)),
            P99Ms = ScenarioResult.Round(latencies.Percentile(99)),
            Errors = latencies.Where(IsError),
            Note = $"first booking on {instruments.Length} instruments whose grains are not active ({latencies.Statuses()})",
        });
    }

    private async Task P99At70Async(Api labScheduler, Api baseline, World world, InstrumentSpec[] instruments, (RunResult LabScheduler, RunResult Baseline) book)
    {
        var oursRate = 0.7 * book.LabScheduler.OpsPerSecond;
        var theirsRate = 0.7 * book.Baseline.OpsPerSecond;
        var ours = await LoadGenerator.OpenLoopAsync(oursRate, options.Duration, 2000, Booker(labScheduler, world, instruments, 8));
        var theirs = await LoadGenerator.OpenLoopAsync(theirsRate, options.Duration, 2000, Booker(baseline, world, instruments, 9));
        Add(ScenarioResult.Of("p99at70", ours, IsError) with
        {
            OpsPerSec = ScenarioResult.Round(oursRate),
            BaselineOpsPerSec = ScenarioResult.Round(theirsRate),
            BaselineP99Ms = ScenarioResult.Round(theirs.Latencies.Percentile(99)),
            Ratio = ScenarioResult.Round(ours.Latencies.Percentile(99) / theirs.Latencies.Percentile(99)),
            Note = $"open loop at 70 % of each one's book throughput; ratio = p99 / baseline p99; late {ours.Late}/{theirs.Late}",
        });
    }

    private async Task ReportAsync(Api labScheduler)
    {
        var latencies = new LatencyRecorder();
        string[] reports =
        [
            "/api/v1/reports/utilization?from=2025-03-01&to=2025-04-01&groupBy=lab",
            "/api/v1/reports/utilization?from=2025-01-01&to=2026-01-01&groupBy=memberState",
            "/api/v1/reports/statements?month=2025-03&by=team",
        ];
        foreach (var report in reports)
        {
            await labScheduler.SendAsync(HttpMethod.Get, report, WorldSetup.Admin); // warm
            for (var i = 0; i < 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await labScheduler.SendAsync(HttpMethod.Get, report, WorldSetup.Admin);
                latencies.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
            }
        }

        Add(new ScenarioResult
        {
            Name = "report",
            P50Ms = ScenarioResult.Round(latencies.Percentile(50)),
            P95Ms = ScenarioResult.Round(latencies.Percentile(95)),
            P99Ms = ScenarioResult.Round(latencies.Percentile(99)),
            Errors = latencies.Where(s => s != 200),
            Note = $"utilization (a month by lab, a year by member state) and a month's statements over {options.ReportBookings:N0} bookings, before any nightly roll-up",
        });
    }

    /// <summary>
    /// The catalog as a table: creating instruments costs the same per instrument at the end as at the
    /// start, and listing a category stays fast with many thousands of instruments in it.
    /// </summary>
    private async Task CatalogAsync(Api labScheduler, World world)
    {
        var count = options.CatalogInstruments;
        var lab = world.Labs[1].Id;
        var batches = new List<double>();
        const int Batch = 100;
        for (var first = 0; first < count; first += Batch)
        {
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(first, Batch), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, _) =>
                await labScheduler.MustAsync(HttpMethod.Post, $"/api/v1/labs/{lab}/instruments", WorldSetup.Admin, new
                {
                    id = $"cat-{n:D5}", name = $"Catalog {n}", category = "catalog", currency = "CNY",
                    rates = new { @internal = 1, partner = 1, external = 1 },
                }));
            batches.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds / Batch);
        }

        var latencies = new LatencyRecorder();
        var random = new Random(17);
        string[] lists = ["/api/v1/instruments?category=catalog&limit=50", "/api/v1/instruments?category=catalog&limit=200", "/api/v1/instruments?category=nmr&limit=50"];
        await labScheduler.SendAsync(HttpMethod.Get, lists[0], WorldSetup.Admin); // warm
        for (var i = 0; i < 60; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var status = await labScheduler.SendAsync(HttpMethod.Get, lists[random.Next(lists.Length)], WorldSetup.Admin);
            latencies.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
        }

        // Per-instrument cost of the first and of the last batch of a hundred.
        var firstHundred = batches[0];
        var lastHundred = batches[^1];
        Add(new ScenarioResult
        {
            Name = "catalog",
            P50Ms = ScenarioResult.Round(latencies.Percentile(50)),
            P95Ms = ScenarioResult.Round(latencies.Percentile(95)),
            P99Ms = ScenarioResult.Round(latencies.Percentile(99)),
            Errors = latencies.Where(s => s != 200),
            CreateMsFirst100 = ScenarioResult.Round(firstHundred),
            CreateMsLast100 = ScenarioResult.Round(lastHundred),
            Ratio = ScenarioResult.Round(lastHundred / firstHundred),
            Note = $"created {count:N0} instruments ({world.Instruments.Count:N0} before them), 16 at a time: {firstHundred:0.00} ms per instrument for the first 100, {lastHundred:0.00} for the last (ratio); "
                + $"p50/p95/p99 of GET /instruments?category= with {count:N0} in the category (pages of 50 and 200) and of a category of {world.Instruments.Count / World.Categories.Length}",
        });
    }

    /// <summary>Random bookings; with <paramref name="created"/>, the created ones (201) are counted by instrument.</summary>
    private Operation Booker(Api api, World world, InstrumentSpec[] instruments, int seed, ConcurrentDictionary<string, int>? created = null)
    {
        var random = new ThreadLocal<Random>(() => new Random((seed * 15485863) + Environment.CurrentManagedThreadId));
        return async (_, ct) =>
        {
            var r = random.Value!;
            var instrument = instruments[r.Next(instruments.Length)];
            var researcher = world.Researchers[r.Next(world.Researchers.Count)];
            var slot = World.RandomSlot(r, instrument, SystemClock.Instance.GetCurrentInstant());
            var status = await api.SendAsync(HttpMethod.Post, "/api/v1/bookings", researcher.Id, BookingBody(instrument, researcher, slot), ct);
            if (status == 201)
            {
                created?.AddOrUpdate(instrument.Id, 1, (_, n) => n + 1);
            }

            return status;
        };
    }

    private static object BookingBody(InstrumentSpec instrument, ResearcherSpec researcher, Interval slot) => new
    {
        instrumentId = instrument.Id, teamId = researcher.TeamId, start = World.Rfc3339(slot.Start), end = World.Rfc3339(slot.End), purpose = "benchmark",
    };

    // A conflict is an answer, not an error; anything else but a created booking is.
    private static bool IsError(int status) => status is not (201 or 409);

    private static async Task<int> OverlapsAsync(string connectionString, InstrumentSpec[] instruments)
    {
        await using var db = LabSchedulerDataSource.Create(connectionString);
        await using var command = db.CreateCommand("""
            SELECT count(*)::int FROM bookings a JOIN bookings b
              ON a.instrument_id = b.instrument_id AND a.id < b.id AND a.during && b.during
            WHERE a.instrument_id = ANY(@ids) AND a.status = ANY(@holding) AND b.status = ANY(@holding)
            """);
        command.Parameters.AddWithValue("ids", instruments.Select(i => i.Id).ToArray());
        command.Parameters.AddWithValue("holding", HoldingTime);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private void Add(ScenarioResult result)
    {
        result = result with { Name = result.Name + options.NameSuffix };
        _results.Add(result);
        Say($"{result.Name}: {result.OpsPerSec:0.0}/s p50 {result.P50Ms:0.00} ms p95 {result.P95Ms:0.00} ms p99 {result.P99Ms:0.00} ms errors {result.Errors}"
            + (result.Ratio is { } ratio ? $" ratio {ratio:0.00}" : "") + (result.Note is { } note ? $" ({note})" : ""));
    }

    private static void Say(string line) => Console.WriteLine($"bench: {line}");

    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({cpu ?? "unknown cpu"}), {memory:0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }
}
