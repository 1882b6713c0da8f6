using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Persistence;
using LabScheduler.Persistence.Instruments;
using LabScheduler.Persistence.Json;
using LabScheduler.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Orleans.Runtime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The catalog is a table: an instrument's settings are its row (written with the change, read by
/// listings without activating it), and its blackouts, sign-offs and quotas are rows of their own.
/// A settings change that cannot be stored leaves the grain as it was.
/// </summary>
public sealed class CatalogTableTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("catalog-table");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task ListingInstruments_ReadsTheTable_AndActivatesNoInstrument()
    {
        var (instrumentId, _) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var labId = await Harness.Database.ScalarAsync<string>("SELECT lab_id FROM instruments WHERE id = @i", ("i", instrumentId));
        Assert.Equal("nmr", await Harness.Database.ScalarAsync<string>("SELECT category FROM instruments WHERE id = @i", ("i", instrumentId)));

        var management = Harness.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var before = await InstrumentActivationsAsync(management);

        var listed = await Harness.Client.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
            .ListInstrumentsAsync(new InstrumentFilter { LabId = labId, Category = "nmr" }, null, 50);

        var instrument = Assert.Single(listed);
        Assert.Equal(instrumentId, instrument.Id);
        Assert.Equal("NMR", instrument.Definition.Name);
        Assert.Equal("Asia/Shanghai", instrument.TimeZone);
        Assert.Equal(before, await InstrumentActivationsAsync(management));
    }

    [Fact]
    public async Task BlackoutsSignOffsAndQuotas_AreRowsOfTheirOwn_AndOutliveTheActivation()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { RequiresAuthorization = true });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var blackout = new Interval(Instant.FromUtc(2026, 12, 5, 0, 0), Instant.FromUtc(2026, 12, 6, 0, 0));

        Assert.True((await instrument.AddBlackoutAsync(Actor.System, blackout, "Helium refill", cancelConflicting: false, blackoutId: null)).IsSuccess);
        Assert.True((await instrument.SetAuthorizationAsync(Actor.System, Setup.UserId, authorized: true)).IsSuccess);
        Assert.True((await instrument.SetTeamQuotaAsync(Actor.System, teamId, 600)).IsSuccess);

        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM instrument_blackouts WHERE instrument_id = @i AND reason = 'Helium refill'", ("i", instrumentId)));
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM instrument_authorizations WHERE instrument_id = @i AND user_id = @u", ("i", instrumentId), ("u", Setup.UserId)));
        Assert.Equal(600, await Harness.Database.ScalarAsync<int>("SELECT minutes_per_month FROM team_quotas WHERE instrument_id = @i AND team_id = @t", ("i", instrumentId), ("t", teamId)));
        // Each change and its audit record are one statement.
        Assert.Equal(3, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE entity = 'instrument' AND entity_id = @i AND action <> 'created'", ("i", instrumentId)));

        await Harness.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var view = (await instrument.GetAsync())!;
        Assert.Equal([blackout], view.Blackouts.Select(b => b.Interval));
        Assert.Equal([Setup.UserId], view.AuthorizedUsers);
        Assert.Equal(600, (await Harness.Client.GetGrain<ITeamGrain>(teamId).GetAsync())!.Quotas[instrumentId]);

        // The quota is in force from its row: 600 minutes a month, so a 720-minute month is refused.
        var first = await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(Instant.FromUtc(2026, 12, 1, 1, 0), Instant.FromUtc(2026, 12, 1, 9, 0))));
        Assert.True(first.IsSuccess, first.Problem?.Detail);
        var second = await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(Instant.FromUtc(2026, 12, 2, 1, 0), Instant.FromUtc(2026, 12, 2, 5, 0))));
        Assert.Equal(ErrorCodes.QuotaExceeded, second.Problem?.Code);
    }

    [Fact]
    public async Task SettingsChangesThatCannotBeStored_AreUnavailable_AndNotInForce()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { RequiresAuthorization = true });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        await RefuseWritesAsync(instrumentId);

        var renamed = await instrument.UpdateAsync(Actor.System, new InstrumentPatch { Name = "Renamed" });
        var hours = await instrument.SetOpeningHoursAsync(Actor.System, new OpeningHours([new WeeklyOpening(IsoDayOfWeek.Monday, new LocalTime(9, 0), new LocalTime(17, 0))], []));
        var granted = await instrument.SetAuthorizationAsync(Actor.System, Setup.UserId, authorized: true);
        var quota = await instrument.SetTeamQuotaAsync(Actor.System, teamId, 60);

        Assert.All(new Problem?[] { renamed.Problem, hours.Problem, granted.Problem, quota.Problem }, p => Assert.Equal(ErrorCodes.Unavailable, p?.Code));
        var view = (await instrument.GetAsync())!;
        Assert.Equal("NMR", view.Definition.Name);
        Assert.Equal(OpeningHours.AlwaysOpen.Weekly, view.OpeningHours.Weekly);
        Assert.Empty(view.AuthorizedUsers);
        Assert.Empty((await Harness.Client.GetGrain<ITeamGrain>(teamId).GetAsync())!.Quotas);
        // The sign-off that was not stored does not let the researcher book.
        Assert.Equal(ErrorCodes.NotAuthorizedOnInstrument, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Problem?.Code);

        await AllowWritesAsync();
        Assert.True((await instrument.UpdateAsync(Actor.System, new InstrumentPatch { Name = "Renamed" })).IsSuccess);
        Assert.True((await instrument.SetAuthorizationAsync(Actor.System, Setup.UserId, authorized: true)).IsSuccess);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);
        Assert.Equal("Renamed", await Harness.Database.ScalarAsync<string>("SELECT definition ->> 'name' FROM instruments WHERE id = @i", ("i", instrumentId)));
    }

    [Fact]
    public async Task InstrumentsStoredAsGrainState_MoveIntoTheTables_WhenTheMigrationRuns()
    {
        await using var database = await TestDatabase.CreateAsync("catalog-migration", throughVersion: 32);
        var definition = new InstrumentDefinition
        {
            Id = "old-nmr", Name = "Old NMR", Category = "nmr", Currency = "CNY", Rates = new Rates(10, 20, 30),
            Rules = BookingRules.Default with { RequiresApproval = true, BufferMinutes = 15 },
        };
        var hours = new OpeningHours([new WeeklyOpening(IsoDayOfWeek.Tuesday, new LocalTime(8, 0), new LocalTime(18, 0))], [new LocalDate(2026, 12, 31)]);
        var blackout = new Blackout(Guid.NewGuid(), new Interval(Instant.FromUtc(2026, 1, 5, 0, 0), Instant.FromUtc(2026, 1, 6, 0, 0)), "Past refill");
        // The state as the instrument grain stored it before the catalog was a table.
        var state = StoredJson.Serialize(new
        {
            definition, labId = "old-lab", timeZone = "Asia/Shanghai", memberState = "CN", partnerStates = new[] { "TJ" },
            quotas = new Dictionary<string, int> { ["old-team"] = 900 }, status = InstrumentStatus.Maintenance, openingHours = hours,
            blackouts = new[] { blackout }, authorizedUsers = new[] { "trained-user" },
        });
        var catalog = StoredJson.Serialize(new { labs = new Dictionary<string, object> { ["old-lab"] = new { id = "old-lab", memberState = "CN" } }, instruments = new { } });
        foreach (var payload in new[] { state, catalog })
        {
            await database.ScalarAsync<int>("""
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                VALUES (1, 0, 0, 1, 'old', 'old', 'svc', convert_to(@payload, 'UTF8'), now(), 1) RETURNING 1
                """, ("payload", payload));
        }

        await new MigrationRunner(database.DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();

        var store = new InstrumentStore(database.DataSource, SystemClock.Instance);
        var row = (await store.LoadAsync("old-nmr"))!;
        // Rules compare their shares by reference: compare the rest, and the (empty) shares apart.
        Assert.Empty(row.Definition.Rules.Shares);
        Assert.Equal(definition, row.Definition with { Rules = row.Definition.Rules with { Shares = definition.Rules.Shares } });
        Assert.Equal(("old-lab", "Asia/Shanghai", "CN", InstrumentStatus.Maintenance), (row.LabId, row.TimeZone, row.MemberState, row.Status));
        Assert.Equal(["TJ"], row.PartnerStates);
        Assert.Equal(hours.Weekly, row.OpeningHours.Weekly);
        Assert.Equal(hours.ClosedDates, row.OpeningHours.ClosedDates);
        Assert.Equal([blackout], await store.BlackoutsAsync("old-nmr", new Interval(Instant.FromUtc(2025, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0))));
        Assert.Equal(["trained-user"], await store.AuthorizedUsersAsync("old-nmr"));
        Assert.Equal(900, (await store.QuotasOfTeamAsync("old-team"))["old-nmr"]);
        Assert.Equal("CN", await database.ScalarAsync<string>("SELECT member_state FROM lab_catalog WHERE id = 'old-lab'"));
    }

    private static async Task<int> InstrumentActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("InstrumentGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    // Every write of this instrument's settings, sign-offs or quotas fails, as a database that went away would.
    private async Task RefuseWritesAsync(string instrumentId)
    {
        await using var hook = Harness.Database.DataSource.CreateCommand($"""
            CREATE FUNCTION test_refuse_settings() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.instrument_id = '{instrumentId}' THEN
                    RAISE EXCEPTION 'the database refuses this write (test)';
                END IF;
                RETURN NEW;
            END;
            $$;
            CREATE FUNCTION test_refuse_instrument() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.id = '{instrumentId}' THEN
                    RAISE EXCEPTION 'the database refuses this write (test)';
                END IF;
                RETURN NEW;
            END;
            $$;
            CREATE TRIGGER test_refuse BEFORE UPDATE ON instruments FOR EACH ROW EXECUTE FUNCTION test_refuse_instrument();
            CREATE TRIGGER test_refuse BEFORE INSERT OR UPDATE ON instrument_authorizations FOR EACH ROW EXECUTE FUNCTION test_refuse_settings();
            CREATE TRIGGER test_refuse BEFORE INSERT OR UPDATE ON team_quotas FOR EACH ROW EXECUTE FUNCTION test_refuse_settings();
            """);
        await hook.ExecuteNonQueryAsync();
    }

    private async Task AllowWritesAsync()
    {
        await using var hook = Harness.Database.DataSource.CreateCommand("""
            DROP TRIGGER test_refuse ON instruments;
            DROP TRIGGER test_refuse ON instrument_authorizations;
            DROP TRIGGER test_refuse ON team_quotas;
            """);
        await hook.ExecuteNonQueryAsync();
    }
}
