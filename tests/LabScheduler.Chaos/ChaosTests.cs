using LabScheduler.Testing;
using System.Globalization;
using Xunit.Abstractions;

namespace LabScheduler.Chaos;

/// <summary>The cluster all runs share; each run heals it before the next.</summary>
public sealed class ChaosClusterFixture : IAsyncLifetime
{
    private ChaosCluster? _cluster;

    public ChaosCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() =>
        _cluster = await ChaosCluster.StartAsync(Environment.GetEnvironmentVariable("LABSCHED_CHAOS_DATA") is { Length: > 0 } data
            ? Path.GetFullPath(data)
            : Path.Combine(Repository.Root, ".data", "chaos"));

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// One run per fault kind against the real cluster. The short form (what ./test.sh runs) books for
/// a few seconds around each fault; <c>./chaos.sh</c> sets LABSCHED_CHAOS_MODE=long: longer, more
/// clients (LABSCHED_CHAOS_SECONDS, LABSCHED_CHAOS_CLIENTS). With LABSCHED_CHAOS_OPERATIONS a run
/// lasts until that many operations were sent instead of for a duration (either form).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests(ChaosClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ChaosClusterFixture>
{
    internal static bool Long => Environment.GetEnvironmentVariable("LABSCHED_CHAOS_MODE") == "long";

    public static TheoryData<FaultKind> Kinds() =>
        [FaultKind.SiloKilled, FaultKind.GatewayKilled, FaultKind.PostgresRestarted, FaultKind.PostgresConnectionsCut, FaultKind.SiloPaused];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Fault_WhileClientsBookAndRetry_LosesNothing_DoublesNothing_OverlapsNothing_KeepsLedgerQuotasAndSeats(FaultKind kind)
    {
        var seconds = Long ? Setting("LABSCHED_CHAOS_SECONDS", 60) : 12;
        var clients = Long ? Setting("LABSCHED_CHAOS_CLIENTS", 16) : 8;
        int? operations = Setting("LABSCHED_CHAOS_OPERATIONS", 0) is > 0 and var n ? n : null;
        var figures = await new ChaosRun(fixture.Cluster, kind, TimeSpan.FromSeconds(seconds), clients, output.WriteLine, operations).RunAsync();

        await ReportAsync(figures, output);
        AssertNothingLost(figures);
        Assert.True(figures.AcknowledgedAfterHeal > 0, $"no booking acknowledged after the fault healed: {figures.Line()}");
    }

    /// <summary>Writes the run's line (and, for chaos.sh, its figures into LABSCHED_CHAOS_RESULTS/KIND.txt).</summary>
    internal static async Task ReportAsync(ChaosFigures figures, ITestOutputHelper output)
    {
        output.WriteLine(figures.Line());
        if (Environment.GetEnvironmentVariable("LABSCHED_CHAOS_RESULTS") is { Length: > 0 } results)
        {
            Directory.CreateDirectory(results);
            await File.WriteAllTextAsync(Path.Combine(results, $"{figures.Kind}.txt"), string.Create(CultureInfo.InvariantCulture,
                $"{figures.Sent} {figures.Acknowledged} {figures.Lost} {figures.Doubled} {figures.Overlaps} {figures.IntegrityFailures}\n{figures.Line()}\n"));
        }
    }

    /// <summary>The checks every run must pass: nothing lost, doubled or overlapping, no 500, the ledger, quotas and seats consistent.</summary>
    internal static void AssertNothingLost(ChaosFigures figures)
    {
        Assert.Equal(0, figures.Lost);
        Assert.Equal(0, figures.Doubled);
        Assert.Equal(0, figures.Overlaps);
        Assert.Equal(0, figures.InternalErrors);
        Assert.Equal(0, figures.LedgerMismatches);
        Assert.Equal(0, figures.QuotaOverdrawn);
        Assert.Equal(0, figures.OverCapacity);
        Assert.Equal(0, figures.CreatedWithoutBody);
    }

    /// <summary>
    /// A silo told to stop (SIGTERM) while PostgreSQL is down leaves within its bound
    /// (Shutdown__TimeoutSeconds, 20 s, plus 5 s) instead of hanging on the database; the cluster
    /// heals after.
    /// </summary>
    [Fact]
    public async Task SiloStoppedWithSigterm_WhilePostgresIsDown_LeavesWithinItsBound()
    {
        var cluster = fixture.Cluster;
        await cluster.HealAsync(TimeSpan.FromMinutes(3));
        const int silo = ChaosCluster.SiloCount - 1;
        await cluster.StopPostgresAsync("fast");
        TimeSpan? took;
        try
        {
            took = await cluster.TerminateSiloAsync(silo, TimeSpan.FromSeconds(60));
        }
        finally
        {
            await cluster.StartPostgresAsync();
        }

        output.WriteLine(took is { } t ? $"silo left {t.TotalSeconds:F1} s after SIGTERM with PostgreSQL down (exit code {cluster.SiloExitCode(silo)})" : "silo still ran 60 s after SIGTERM");
        await cluster.HealAsync(TimeSpan.FromMinutes(3));
        Assert.NotNull(took);
        Assert.True(took < TimeSpan.FromSeconds(30), $"the silo took {took!.Value.TotalSeconds:F1} s to leave (bound: 25 s)");
    }

    internal static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

/// <summary>The suite's runs share the machine's two cores: one cluster at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection
{
    public const string Name = "chaos cluster";
}
