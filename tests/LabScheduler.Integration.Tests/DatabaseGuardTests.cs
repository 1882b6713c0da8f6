using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using Npgsql;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Defence in depth: whatever the grains do, PostgreSQL itself refuses a booking row that would
/// put more than an instrument's capacity over any instant or that breaks its buffer (a seat per
/// booking, each seat's blocked times apart), and the grain answers such a refusal truthfully.
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

    private async Task InsertBehindTheGrainsBack(string instrumentId, string status, string start, string end, int seat = 0)
    {
        await using var command = Harness.Database.DataSource.CreateCommand("""
            INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at, seat)
            VALUES (gen_random_uuid(), @i, 'lab', 'team', 'intruder', @s, tstzrange(@start::timestamptz, @end::timestamptz, '[)'), true, now(), now(), @seat)
            """);
        command.Parameters.AddWithValue("i", instrumentId);
        command.Parameters.AddWithValue("s", status);
        command.Parameters.AddWithValue("start", start);
        command.Parameters.AddWithValue("end", end);
        command.Parameters.AddWithValue("seat", seat);
        await command.ExecuteNonQueryAsync();
    }

    private Task<long> CountAsync(string instrumentId) =>
        Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i AND status IN ('pending', 'confirmed', 'checked-in')", ("i", instrumentId));

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
    public async Task RowsThatHoldNoTime_DoNotBlock_AndTouchingIsNotOverlapping()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var booking = (await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Value!;
        await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).CancelAsync(Setup.User, booking.Id, null);

        // The cancelled booking's time is free for a row that holds time...
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");
        // ...and rows that hold none (cancelled, completed) may overlap anything.
        await InsertBehindTheGrainsBack(instrumentId, "cancelled", "2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");
        await InsertBehindTheGrainsBack(instrumentId, "completed", "2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z");
        // A booking that starts where another ends does not overlap it (half-open intervals, no buffer here).
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z");

        Assert.Equal(2, await CountAsync(instrumentId));
        var overlap = await Assert.ThrowsAsync<PostgresException>(() => InsertBehindTheGrainsBack(instrumentId, "pending", "2026-12-01T02:59:00Z", "2026-12-01T03:01:00Z"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, overlap.SqlState);
    }

    [Fact]
    public async Task CapacityThree_AFourthRowBehindTheGrainsBack_IsRefusedOnEverySeat()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { Capacity = 3 });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);
        }

        for (var seat = 0; seat < 3; seat++)
        {
            var taken = await Assert.ThrowsAsync<PostgresException>(() => InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T02:00:00Z", "2026-12-01T02:30:00Z", seat));
            Assert.Equal(PostgresErrorCodes.ExclusionViolation, taken.SqlState);
        }

        var beyond = await Assert.ThrowsAsync<PostgresException>(() => InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T02:00:00Z", "2026-12-01T02:30:00Z", seat: 3));
        Assert.Equal(PostgresErrorCodes.CheckViolation, beyond.SqlState);
        Assert.Equal(3, await CountAsync(instrumentId));
        Assert.Equal(ErrorCodes.BookingConflict, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Problem?.Code);
    }

    [Fact]
    public async Task CapacityThree_GrainUnawareOfARowOnItsSeat_AnswersTruthfullyAfterTheRefusal()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { Capacity = 3 });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);

        // Another writer takes the last seat; the grain's memory still shows one free.
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z", seat: 2);

        Assert.Equal(ErrorCodes.BookingConflict, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Problem?.Code);
        Assert.Equal(3, await CountAsync(instrumentId));
        Assert.Equal(3, (await instrument.GetCalendarAsync(Setup.Morning)).Count);
    }

    [Fact]
    public async Task Buffer30_RowInsideAnotherBookingsBuffer_IsRefused_OutsideItIsStored()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { BufferMinutes = 30 });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess); // 01:00-03:00Z, kept free until 03:30

        var inBuffer = await Assert.ThrowsAsync<PostgresException>(() => InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T03:15:00Z", "2026-12-01T04:00:00Z"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, inBuffer.SqlState);
        // Its own buffer counts too: a row ending at 00:45 would leave 15 of its 30 minutes.
        var before = await Assert.ThrowsAsync<PostgresException>(() => InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T00:00:00Z", "2026-12-01T00:45:00Z"));
        Assert.Equal(PostgresErrorCodes.ExclusionViolation, before.SqlState);
        await InsertBehindTheGrainsBack(instrumentId, "confirmed", "2026-12-01T03:30:00Z", "2026-12-01T04:00:00Z");

        // The grain did not know of that row: it refuses the time the row's buffer keeps, after the database told it.
        var next = new NodaTime.Interval(NodaTime.Instant.FromUtc(2026, 12, 1, 4, 15), NodaTime.Instant.FromUtc(2026, 12, 1, 5, 0));
        Assert.Equal(ErrorCodes.BookingConflict, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, next))).Problem?.Code);
        Assert.Equal(2, await CountAsync(instrumentId));
    }

    [Fact]
    public async Task RulesChange_LowerCapacityOverFutureBookings_IsRulesConflict_UnlessAskedToCancelThem()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { Capacity = 2 });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).IsSuccess);

        var refused = await instrument.UpdateAsync(Actor.System, new InstrumentPatch { Rules = BookingRules.Default with { Capacity = 1 } });
        Assert.Equal(ErrorCodes.RulesConflict, refused.Problem?.Code);
        Assert.Single(refused.Problem!.Items);
        Assert.Equal(2, (await instrument.GetAsync())!.Definition.Rules.Capacity);
        Assert.Equal(2, await Harness.Database.ScalarAsync<int>("SELECT capacity FROM instrument_limits WHERE instrument_id = @i", ("i", instrumentId)));

        var changed = await instrument.UpdateAsync(Actor.System, new InstrumentPatch { Rules = BookingRules.Default with { Capacity = 1, BufferMinutes = 15 }, CancelConflicting = true });
        Assert.True(changed.IsSuccess, changed.Problem?.Detail);
        Assert.Equal(1, await CountAsync(instrumentId));
        Assert.Equal((1, 15), (await Harness.Database.ScalarAsync<int>("SELECT capacity FROM instrument_limits WHERE instrument_id = @i", ("i", instrumentId)),
            await Harness.Database.ScalarAsync<int>("SELECT buffer_minutes FROM instrument_limits WHERE instrument_id = @i", ("i", instrumentId))));
        Assert.Equal(
            NodaTime.Instant.FromUtc(2026, 12, 1, 3, 15),
            await Harness.Database.ScalarAsync<NodaTime.Instant>("SELECT upper(blocked) FROM bookings WHERE instrument_id = @i AND status = 'confirmed'", ("i", instrumentId)));
    }

    [Fact]
    public async Task FragmentedSeats_ABookingTheCountRuleAllows_IsSeatedByMovingOthers()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client, BookingRules.Default with { Capacity = 2 });
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        NodaTime.Interval Hours(int from, int to) => new(Setup.Morning.Start + NodaTime.Duration.FromHours(from), Setup.Morning.Start + NodaTime.Duration.FromHours(to));
        Assert.Equal(0, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Hours(0, 2)))).Value!.Seat);
        var blocker = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Hours(2, 6)))).Value!;
        Assert.Equal(1, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Hours(3, 5)))).Value!.Seat);
        await instrument.CancelAsync(Setup.User, blocker.Id, null);

        // Seat 0 is busy 0-2, seat 1 busy 3-5: 1-4 has a seat at every instant but no one seat throughout.
        var fitted = await instrument.BookAsync(Setup.User, Setup.Book(teamId, Hours(1, 4)));
        Assert.True(fitted.IsSuccess, fitted.Problem?.Detail);
        Assert.Equal(3, await CountAsync(instrumentId));
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
