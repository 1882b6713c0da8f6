using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Grains.Tests;

/// <summary>Notices are written in the same statement as the change they tell of: all or none.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NotificationOutboxTests(ClusterFixture fixture)
{
    // Thursday 2026-12-03 09:00-10:00 in Asia/Shanghai: more than a day after the clock's now.
    private static readonly Interval Slot = new(Instant.FromUtc(2026, 12, 3, 1, 0), Instant.FromUtc(2026, 12, 3, 2, 0));

    private async Task<List<string>> Kinds(Guid bookingId)
    {
        var kinds = new List<string>();
        await using var command = fixture.Database.DataSource.CreateCommand("SELECT kind FROM notifications WHERE booking_id = @b ORDER BY kind");
        command.Parameters.AddWithValue("b", bookingId);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }

    [Fact]
    public async Task Booking_WritesConfirmationAndReminder_CancellationAddsItsNotice()
    {
        var s = await Scenario.CreateAsync(fixture.Grains);
        var booking = (await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Slot })).Value!;
        Assert.Equal(["booking.confirmed", "booking.reminder"], await Kinds(booking.Id));
        Assert.Equal(
            Slot.Start - Duration.FromHours(24),
            await fixture.Database.ScalarAsync<Instant>(
                "SELECT due_at FROM notifications WHERE booking_id = @b AND kind = 'booking.reminder'", ("b", booking.Id)));

        await s.Instrument.CancelAsync(s.User, booking.Id, "no sample");
        Assert.Equal(["booking.cancelled", "booking.confirmed", "booking.reminder"], await Kinds(booking.Id));
    }

    [Fact]
    public async Task RefusedBookingOrInvalidTransition_WritesNoNotice()
    {
        var s = await Scenario.CreateAsync(fixture.Grains, new BookingRules { RequiresApproval = true });
        var pending = (await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Slot })).Value!;
        var before = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM notifications");

        Assert.False((await s.Instrument.BookAsync(s.User, new BookCommand { TeamId = s.TeamId, Interval = Slot })).IsSuccess);
        Assert.False((await s.Instrument.CheckOutAsync(s.User, pending.Id)).IsSuccess);
        Assert.Equal(before, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM notifications"));

        await s.Instrument.ApproveAsync(s.Manager, pending.Id);
        Assert.Equal(["booking.approved", "booking.pending", "booking.reminder"], await Kinds(pending.Id));
    }
}
