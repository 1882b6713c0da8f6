using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// A booking write whose outcome the grain cannot know (its database connection is terminated
/// around the insert): the caller gets 503 <c>unavailable</c>, memory is read back from the table,
/// and a retry with the same booking id (what the gateway derives from the Idempotency-Key) finds
/// the booking if it was stored, or books it if it was not.
/// </summary>
public sealed class UnknownOutcomeTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _harness = await SiloHarness.StartAsync("unknown-outcome");
        // The insert of a booking whose purpose says so terminates its own backend, as a network cut would.
        await using var hook = Harness.Database.DataSource.CreateCommand("""
            CREATE FUNCTION test_terminate_own_backend() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (TG_OP = 'INSERT' AND NEW.purpose = 'cut the connection') OR (TG_OP = 'UPDATE' AND NEW.purpose = 'cut at update') THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                END IF;
                RETURN NEW;
            END;
            $$;
            CREATE TRIGGER test_terminate BEFORE INSERT OR UPDATE ON bookings FOR EACH ROW EXECUTE FUNCTION test_terminate_own_backend();
            """);
        await hook.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectionTerminatedDuringTheInsert_IsUnavailable_AndTheRetryBooksOnce()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var command = Setup.Book(teamId, Setup.Morning) with { BookingId = Guid.NewGuid(), Purpose = "cut the connection" };

        var first = await instrument.BookAsync(Setup.User, command);
        Assert.Equal(ErrorCodes.Unavailable, first.Problem?.Code);
        Assert.Empty(await instrument.GetCalendarAsync(Setup.Morning));

        var retry = await instrument.BookAsync(Setup.User, command with { Purpose = "the network is back" });
        Assert.True(retry.IsSuccess, retry.Problem?.Detail);
        Assert.Equal(command.BookingId, retry.Value!.Id);
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
    }

    [Fact]
    public async Task OutcomeUnknownButCommitted_TheRetryFindsTheStoredBooking()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var command = Setup.Book(teamId, Setup.Morning) with { BookingId = Guid.NewGuid(), Purpose = "cut the connection" };
        Assert.Equal(ErrorCodes.Unavailable, (await instrument.BookAsync(Setup.User, command)).Problem?.Code);

        // As if that insert had committed just before the connection went: the row is there, the answer was lost.
        await using (var stored = Harness.Database.DataSource.CreateCommand("""
            INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, created_at, updated_at, seat)
            VALUES (@id, @i, 'lab', @team, @user, 'confirmed', tstzrange('2026-12-01T01:00:00Z', '2026-12-01T03:00:00Z', '[)'), true, 'stored', now(), now(), 0)
            """))
        {
            stored.Parameters.AddWithValue("id", command.BookingId!.Value);
            stored.Parameters.AddWithValue("i", instrumentId);
            stored.Parameters.AddWithValue("team", teamId);
            stored.Parameters.AddWithValue("user", Setup.UserId);
            await stored.ExecuteNonQueryAsync();
        }

        // The retry (the fault has passed: its purpose no longer trips the trigger) meets the stored row.
        var retry = await instrument.BookAsync(Setup.User, command with { Purpose = "the network is back" });
        Assert.True(retry.IsSuccess, retry.Problem?.Detail);
        Assert.Equal(command.BookingId, retry.Value!.Id);
        Assert.Equal("stored", retry.Value.Purpose);
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
    }

    [Fact]
    public async Task BlackoutInterruptedWhileCancelling_RetriedWithTheSameId_FinishesTheCancellations()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var early = new NodaTime.Interval(Setup.Morning.Start, Setup.Morning.Start + NodaTime.Duration.FromHours(1));
        var late = new NodaTime.Interval(early.End, Setup.Morning.End);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, early))).IsSuccess);
        Assert.True((await instrument.BookAsync(Setup.User, Setup.Book(teamId, late) with { Purpose = "cut at update" })).IsSuccess);

        var blackoutId = Guid.NewGuid();
        var first = await instrument.AddBlackoutAsync(LabScheduler.Contracts.Common.Actor.System, Setup.Morning, "magnet service", cancelConflicting: true, blackoutId);
        Assert.Equal(ErrorCodes.Unavailable, first.Problem?.Code);
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i AND status = 'confirmed'", ("i", instrumentId)));

        await using (var heal = Harness.Database.DataSource.CreateCommand("UPDATE bookings SET purpose = 'healed' WHERE instrument_id = @i"))
        {
            heal.Parameters.AddWithValue("i", instrumentId);
            await heal.ExecuteNonQueryAsync();
        }

        var retry = await instrument.AddBlackoutAsync(LabScheduler.Contracts.Common.Actor.System, Setup.Morning, "magnet service", cancelConflicting: true, blackoutId);
        Assert.True(retry.IsSuccess, retry.Problem?.Detail);
        Assert.Equal(blackoutId, retry.Value!.Id);
        Assert.Equal(0, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i AND status = 'confirmed'", ("i", instrumentId)));
    }
}
