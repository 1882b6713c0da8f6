using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Errors;
using NodaTime;

namespace LabScheduler.Integration.Tests;

public sealed class ConcurrencyTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("concurrency");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task FiftyConcurrentAttemptsAtOneSlot_ExactlyOneBooking()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))));

        Assert.Single(attempts, a => a.IsSuccess);
        Assert.All(attempts.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.BookingConflict, a.Problem?.Code));
        Assert.Equal(1, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
    }

    [Fact]
    public async Task FiftyConcurrentAttemptsAtDisjointSlots_AllBooked()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var slots = Enumerable.Range(0, 50).Select(i => new Interval(
            Setup.Morning.Start + Duration.FromMinutes(30 * i), Setup.Morning.Start + Duration.FromMinutes((30 * i) + 30)));

        var attempts = await Task.WhenAll(slots.Select(slot => instrument.BookAsync(Setup.User, Setup.Book(teamId, slot))));

        Assert.All(attempts, a => Assert.True(a.IsSuccess, a.Problem?.Detail));
        Assert.Equal(50, await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE instrument_id = @i", ("i", instrumentId)));
    }
}
