using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Integration.Tests;

/// <summary>Acknowledged means committed: what a silo answered survives the silo.</summary>
public sealed class SiloRestartTests
{
    [Fact]
    public async Task Booking_SurvivesSiloRestart_AndStillBlocksItsTime()
    {
        await using var harness = await SiloHarness.StartAsync("restart");
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var booked = await harness.Client.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning));
        Assert.True(booked.IsSuccess, booked.Problem?.Detail);

        // The only silo goes away; a new one starts on the same database; a new client finds it there.
        await harness.StopSiloAsync(harness.Silos[0]);
        await harness.StartSiloAsync();
        await harness.ConnectClientAsync();

        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        Assert.Equal("Asia/Shanghai", (await instrument.GetAsync())?.TimeZone);
        var stored = await instrument.GetBookingAsync(booked.Value!.Id);
        Assert.Equal(BookingStatus.Confirmed, stored?.Status);
        Assert.Equal(Setup.Morning, stored?.Interval);
        Assert.Equal(ErrorCodes.BookingConflict, (await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning))).Problem?.Code);
    }
}
