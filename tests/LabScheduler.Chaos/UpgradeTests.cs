using LabScheduler.Testing;
using Xunit.Abstractions;

namespace LabScheduler.Chaos;

/// <summary>
/// A rolling upgrade of a running cluster from the previous commit's build (LABSCHED_UPGRADE_FROM, default
/// HEAD~1; built once into .test-data/upgrade-builds) to this tree's, while the clients book through both
/// gateways: every silo replaced one at a time (the new one Active before the old one gets SIGTERM, as
/// maxSurge 1 in deploy/k8s/silo.yaml), then each gateway. Then the fault suite's checks, and what only an
/// upgrade can break: bookings the old build acknowledged read back and cancelled through the new one, a
/// user's grain state written by the old build read by the new, and requests served while both ran.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class UpgradeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RollingUpgrade_FromThePreviousCommit_WhileClientsBook_LosesNothing_AndTheNewBuildReadsWhatTheOldWrote()
    {
        var from = await ClusterBuild.PreviousAsync(output.WriteLine);
        var data = Environment.GetEnvironmentVariable("LABSCHED_CHAOS_DATA") is { Length: > 0 } chaos
            ? Path.GetFullPath(chaos) + "-upgrade"
            : Path.Combine(Repository.Root, ".data", "chaos-upgrade");
        await using var cluster = await ChaosCluster.StartAsync(data, from);
        var seconds = ChaosTests.Long ? ChaosTests.Setting("LABSCHED_CHAOS_SECONDS", 60) : 20;
        var clients = ChaosTests.Long ? ChaosTests.Setting("LABSCHED_CHAOS_CLIENTS", 16) : 8;
        int? operations = ChaosTests.Setting("LABSCHED_CHAOS_OPERATIONS", 0) is > 0 and var n ? n : null;
        var figures = await new ChaosRun(cluster, FaultKind.RollingUpgrade, TimeSpan.FromSeconds(seconds), clients, output.WriteLine, operations, upgradeTo: ClusterBuild.Current).RunAsync();

        await ChaosTests.ReportAsync(figures, output);
        ChaosTests.AssertNothingLost(figures);
        Assert.True(figures.AcknowledgedWhileMixed > 0, $"no booking acknowledged while old and new versions ran side by side: {figures.Line()}");
        Assert.True(figures.AcknowledgedAfterHeal > 0, $"no booking acknowledged after the upgrade: {figures.Line()}");
        Assert.True(figures.OldBookingsReadBack > 0, $"no booking made before the upgrade was read back after it: {figures.Line()}");
        Assert.Equal(0, figures.OldBookingsMisread);
        Assert.True(figures.OldBookingsCancelled > 0, $"no booking made before the upgrade was cancelled after it: {figures.Line()}");
        Assert.True(figures.OldStateReadBack, $"the user state written before the upgrade was not read back after it: {figures.Line()}");
    }

    /// <summary>A commit git cannot resolve (a shallow clone's HEAD~1) fails at once, saying how to name another.</summary>
    [Fact]
    public async Task UpgradeFrom_ACommitThisCloneDoesNotHave_FailsNamingTheVariable()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ClusterBuild.BuildOfAsync("no-such-ref-" + Guid.NewGuid().ToString("N"), output.WriteLine));
        Assert.Contains(ClusterBuild.UpgradeFromVariable, failure.Message, StringComparison.Ordinal);
        Assert.Contains("shallow", failure.Message, StringComparison.Ordinal);
    }
}
