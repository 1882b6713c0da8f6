using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Errors;
using Npgsql;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Defence in depth: whatever the grains do, PostgreSQL itself refuses two bookings that hold
/// overlapping time on a capacity-1 instrument, and the grain answers such a refusal truthfully.
/// </summary>
public sealed class DatabaseGuardTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("guard");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    private async Task InsertBehindTheGrainsBack(string instrumentId, string status, string start, string end, bool exclusive = true)
    {
        await using var command = Harness.Database.DataSource.CreateCommand("""
            INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at)
            VALUES (gen_random_uuid(), @i, 'lab', 'team', 'intruder', @s, tstzrange(@start::timestamptz, @end::timestamptz, '[)'), @x, now(), now())
            """);
        command.Parameters.AddWithValue("i", instrumentId);
        command.Parameters.AddWithValue("s", status);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", end);
        command.Parameters.AddWithValue("x", exclusive);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task OverlappingRowInsertedBehindTheGrainsBack_IsRefusedByTheDatabase()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        Assert.True((await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, refused.SqlState);
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
    }

    [Fact]
    public async Task RowsThatHoldNoTime_DoNotBlock()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var booking = (await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Value!;
        await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).CancelAsync(Setup.User, booking.Id, null);

        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T05:00:00Z", "2026-12-01T07:00:00Z", exclusive: false);
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T05:00:00Z", "2026-12-01T07:00:00Z", exclusive: false);
        // Touching is not overlapping.
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z");

        // Every row is stored beside the cancelled one it overlaps...
        Assert.Equal(5, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
        Assert.Equal("cancelled", await Harness.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @id", ("id", booking.Id)));
        // ...while the guard is on for this instrument: a row over time that is held is still refused.
        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T02:00:00Z", "2026-12-01T02:30:00Z"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, refused.SqlState);
    }

    [Fact]
    public async Task ReviveCancelledRowIntoOverlap_IsRefusedByTheDatabase()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var first = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Value!;
        await instrument.CancelAsync(Setup.User, first.Id, null);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);

        await using var revive = Harness.Database.DataSource.CreateCommand("UPDATE bookings SET status = 'confirmed' WHERE id = @id");
        revive.Parameters.AddWithValue("id", first.Id);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => revive.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, refused.SqlState);
    }

    [Fact]
    public async Task GrainUnawareOfAStoredRow_AnswersConflictAfterTheDatabaseRefuses()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        Assert.NotNull(await instrument.GetAsync());

        // As if another activation of this grain had written it: the active grain's memory knows nothing.
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z");

        var answer = await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning));
        Assert.Equal(ErrorCodes.BookingConflict, answer.Problem?.Code);
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));

        // It reloaded: the row is now part of its calendar.
        var calendar = await instrument.GetCalendarAsync(Setup.Morning);
        Assert.Equal("intruder", Assert.Single(calendar).UserId);
    }
}
