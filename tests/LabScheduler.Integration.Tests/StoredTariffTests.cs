using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using NodaTime;
using Orleans.Runtime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// A booking is charged at the tariff of the team's country as it was when it booked (stored on the
/// booking, as shares count it), not at whatever the team's state says when the session ends.
/// </summary>
public sealed class StoredTariffTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("stored-tariff");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task TeamCountryChangedAfterBooking_TheLedgerKeepsTheBookingsTariff()
    {
        // The lab is in China; the team is from Tajikistan, which is not among the lab's partners: external.
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var booked = await instrument.BookAsync(Setup.User, Setup.Book(teamId, Setup.Morning));
        Assert.True(booked.IsSuccess, booked.Problem?.Detail);
        Assert.Equal("TJ", booked.Value!.TeamState);

        // The team's stored country becomes the lab's own (internal tariff) behind every grain's back.
        await Harness.Database.ScalarAsync<int>("""
            WITH changed AS (
                UPDATE OrleansStorage
                SET PayloadBinary = convert_to(replace(convert_from(PayloadBinary, 'UTF8'), '"memberState":"TJ"', '"memberState":"CN"'), 'UTF8')
                WHERE GrainIdExtensionString = @team
                RETURNING 1)
            SELECT count(*)::integer FROM changed
            """, ("team", teamId));
        await Harness.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal("CN", (await Harness.Client.GetGrain<ITeamGrain>(teamId).GetAsync())!.Profile.MemberState);

        Harness.Clock.Reset(Setup.Morning.Start);
        Assert.True((await instrument.CheckInAsync(Setup.User, booked.Value.Id)).IsSuccess);
        Harness.Clock.Reset(Setup.Morning.End);
        var completed = await instrument.CheckOutAsync(Setup.User, booked.Value.Id);
        Assert.True(completed.IsSuccess, completed.Problem?.Detail);

        Assert.Equal("external", await Harness.Database.ScalarAsync<string>("SELECT tariff FROM usage_ledger WHERE booking_id = @b", ("b", booked.Value.Id)));
        Assert.Equal("TJ", await Harness.Database.ScalarAsync<string>("SELECT team_state FROM usage_ledger WHERE booking_id = @b", ("b", booked.Value.Id)));
        // Rates 1/2/3 an hour: two hours external.
        Assert.Equal(6m, await Harness.Database.ScalarAsync<decimal>("SELECT amount FROM usage_ledger WHERE booking_id = @b", ("b", booked.Value.Id)));
    }
}
