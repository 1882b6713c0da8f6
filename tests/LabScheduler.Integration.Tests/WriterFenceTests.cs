using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The writer fence (issue 11): a booking write of a silo whose membership row does not say Active
/// (or leaving gracefully) is refused with a <see cref="WriterFencedException"/>, an outage to the
/// caller (503 at the gateway), and nothing is stored; a real silo's own writes pass it.
/// </summary>
public sealed class WriterFenceTests : IAsyncLifetime
{
    private const string FencedCluster = "fence-test";
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("writerfence");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task RealSilo_KnowsItsOwnActiveMembershipRow_AndItsBookingsPassTheFence()
    {
        var silo = Harness.Silos[0].Services;
        var fence = silo.GetRequiredService<WriterFence>();
        var status = await Harness.Database.ScalarAsync<int>(
            "SELECT status FROM orleansmembershiptable WHERE deploymentid = @d AND address = @a AND port = @p AND generation = @g",
            ("d", fence.Identity.DeploymentId), ("a", fence.Identity.Address), ("p", fence.Identity.Port), ("g", fence.Identity.Generation));
        Assert.Equal(3, status);

        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var answer = await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning));
        Assert.True(answer.IsSuccess, answer.Problem?.Code);
        var cancelled = await Harness.Client.GetGrain<IInstrumentGrain>(instrumentId).CancelAsync(Setup.User, answer.Value!.Id, "fence test");
        Assert.True(cancelled.IsSuccess, cancelled.Problem?.Code);

        // Every session of the silo ends an idle open transaction after 10 s.
        await using var command = silo.GetRequiredService<NpgsqlDataSource>().CreateCommand("SHOW idle_in_transaction_session_timeout");
        Assert.Equal("10s", (string?)await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(6)] // Dead: declared dead by the others while paused
    [InlineData(2)] // Joining: not yet a member
    [InlineData(null)] // no row of that generation at all
    public async Task SiloNotActive_BookingInsertAndStatusChange_AreRefused_AndNothingIsStored(int? status)
    {
        var silo = new SiloIdentity(FencedCluster, "127.0.0.1", 40000 + Random.Shared.Next(20000), 1);
        await MemberRowAsync(silo, 3);
        var store = new BookingStore(Harness.Database.DataSource, new WriterFence(() => silo));
        var instrument = await InstrumentAsync();
        var existing = NewBooking(instrument);
        Assert.Equal(WriteOutcome.Written, await store.InsertAsync(existing));

        if (status is { } s)
        {
            await Harness.Database.ExecuteAsync("UPDATE orleansmembershiptable SET status = @s WHERE deploymentid = @d AND port = @p", ("s", s), ("d", FencedCluster), ("p", silo.Port));
        }
        else
        {
            await Harness.Database.ExecuteAsync("DELETE FROM orleansmembershiptable WHERE deploymentid = @d AND port = @p", ("d", FencedCluster), ("p", silo.Port));
        }

        var refused = NewBooking(instrument);
        var insert = await Assert.ThrowsAsync<WriterFencedException>(() => store.InsertAsync(refused));
        Assert.True(DatabaseOutage.Is(insert), "a fenced write must be answered as an outage (503 unavailable)");
        Assert.Equal(0, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE id = @i", ("i", refused.Id)));

        // Several at once (one group-committed batch or several): all refused, none stored.
        var many = Enumerable.Range(0, 8).Select(_ => NewBooking(instrument)).ToList();
        var results = await Task.WhenAll(many.Select(async b => await Record.ExceptionAsync(() => store.InsertAsync(b))));
        Assert.All(results, e => Assert.IsType<WriterFencedException>(e));
        Assert.Equal(0, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE id = ANY(@i)", ("i", many.Select(b => b.Id).ToArray())));

        await Assert.ThrowsAsync<WriterFencedException>(() =>
            store.UpdateStatusAsync(existing.Id, existing.Version, BookingStatus.Cancelled, "zombie", existing.CreatedAt + Duration.FromMinutes(1)));
        Assert.Equal("confirmed", await Harness.Database.ScalarAsync<string>("SELECT status FROM bookings WHERE id = @i", ("i", existing.Id)));
        Assert.Equal(1, await Harness.Database.ScalarAsync<int>("SELECT version FROM bookings WHERE id = @i", ("i", existing.Id)));
    }

    [Theory]
    [InlineData(4)] // ShuttingDown: a graceful stop; it still owns its activations until they are deactivated
    [InlineData(5)] // Stopping
    public async Task SiloLeavingGracefully_StillWrites(int status)
    {
        var silo = new SiloIdentity(FencedCluster, "127.0.0.1", 40000 + Random.Shared.Next(20000), 7);
        await MemberRowAsync(silo, status);
        var store = new BookingStore(Harness.Database.DataSource, new WriterFence(() => silo));
        var booking = NewBooking(await InstrumentAsync());
        Assert.Equal(WriteOutcome.Written, await store.InsertAsync(booking));
        Assert.Equal(WriteOutcome.Written, await store.UpdateStatusAsync(booking.Id, 1, BookingStatus.Cancelled, "stop", booking.CreatedAt + Duration.FromMinutes(1)));
    }

    private async Task MemberRowAsync(SiloIdentity silo, int status)
    {
        await Harness.Database.ExecuteAsync("INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (@d) ON CONFLICT DO NOTHING", ("d", silo.DeploymentId));
        await Harness.Database.ExecuteAsync("""
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, starttime, iamalivetime)
            VALUES (@d, @a, @p, @g, 'fenced', 'localhost', @s, now(), now())
            """, ("d", silo.DeploymentId), ("a", silo.Address), ("p", silo.Port), ("g", silo.Generation), ("s", status));
    }

    // An instrument the bookings trigger knows (its limits row), as its grain would have written it.
    private async Task<string> InstrumentAsync()
    {
        var id = $"fenced-{Guid.NewGuid():N}"[..16];
        await Harness.Database.ExecuteAsync("INSERT INTO instrument_limits (instrument_id, capacity, buffer_minutes) VALUES (@i, 1, 0)", ("i", id));
        return id;
    }

    private static Booking NewBooking(string instrumentId)
    {
        var start = Instant.FromUtc(2027, 3, 1, 0, 0) + Duration.FromHours(Random.Shared.Next(100_000));
        return new Booking
        {
            Id = Guid.NewGuid(),
            InstrumentId = instrumentId,
            LabId = "lab",
            TeamId = "team",
            UserId = "fence-user",
            Status = BookingStatus.Confirmed,
            Interval = new Interval(start, start + Duration.FromHours(1)),
            CreatedAt = Instant.FromUtc(2026, 11, 30, 0, 0),
            UpdatedAt = Instant.FromUtc(2026, 11, 30, 0, 0),
        };
    }
}
