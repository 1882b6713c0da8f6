using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Persistence;
using LabScheduler.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LabScheduler.Integration.Tests;

/// <summary>Our own SQL for Orleans' ADO.NET providers, and the migration runner, on real PostgreSQL.</summary>
public sealed class InfrastructureTests
{
    [Fact]
    public async Task Migrations_AppliedTwiceOrConcurrently_ApplyEachScriptOnce()
    {
        await using var database = await TestDatabase.CreateAsync("migrations");
        var runner = new MigrationRunner(database.DataSource, NullLogger<MigrationRunner>.Instance);

        // The fixture applied them; running again (or from four silos at once) applies nothing.
        Assert.Empty(await runner.ApplyAsync());
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => runner.ApplyAsync()));
        Assert.All(concurrent, Assert.Empty);
        Assert.Equal(MigrationRunner.All.Count, await database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrations_OnEmptyDatabase_CreateEveryQueryKeyTheProvidersRead()
    {
        await using var database = await TestDatabase.CreateAsync("querykeys");
        string[] keys =
        [
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey", "ReadReminderRowKey", "ReadReminderRowsKey", "ReadRangeRows1Key",
            "ReadRangeRows2Key", "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        foreach (var key in keys)
        {
            Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery WHERE QueryKey = @k", ("k", key)));
        }
    }

    [Fact]
    public async Task ClusteringStorageAndReminders_WorkAcrossTwoSilosAndARestart()
    {
        await using var harness = await SiloHarness.StartAsync("providers");
        await harness.StartSiloAsync(name: "labsched-silo-b");

        // Clustering: both silos are in the membership table as active.
        var hosts = await harness.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(2, await harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @c AND Status = 3", ("c", harness.Options.ClusterId)));
        Assert.Equal(1, await harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @c AND SiloName = 'labsched-silo-b'", ("c", harness.Options.ClusterId)));

        // Reminders and grain storage, then every silo restarts on the same database.
        var probe = harness.Client.GetGrain<IReminderProbeGrain>("probe");
        await probe.RegisterAsync("nightly-rollup");
        await probe.RegisterAsync("month-end");
        await harness.Client.GetGrain<IUserGrain>("olga").CreateAsync(Actor.System, new UserProfile
        {
            Id = "olga", DisplayName = "Olga", Email = "olga@nsu.example", TimeZone = "Asia/Novosibirsk", MemberState = "RU",
        });

        foreach (var silo in harness.Silos.ToList())
        {
            await harness.StopSiloAsync(silo);
        }

        await harness.StartSiloAsync();
        await harness.ConnectClientAsync();

        Assert.Equal(["month-end", "nightly-rollup"], await harness.Client.GetGrain<IReminderProbeGrain>("probe").ListAsync());
        Assert.Equal(2, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM OrleansRemindersTable"));
        Assert.Equal("Asia/Novosibirsk", (await harness.Client.GetGrain<IUserGrain>("olga").GetProfileAsync())?.TimeZone);
    }
}
