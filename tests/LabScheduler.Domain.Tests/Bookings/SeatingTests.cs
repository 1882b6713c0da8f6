using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LabScheduler.Domain.Bookings;
using NodaTime;
using Interval = NodaTime.Interval;

namespace LabScheduler.Domain.Tests.Bookings;

/// <summary>Seat choice: what the database's seat rule needs, and never more seats than the calendar's count rule allows.</summary>
public sealed class SeatingTests
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 12, 1, 0, 0);

    private static Interval Hours(int from, int to) => new(Origin + Duration.FromHours(from), Origin + Duration.FromHours(to));

    [Fact]
    public void FreeSeat_FragmentedSeats_IsNullThoughEveryInstantHasASeat()
    {
        // Seat 0 busy 0-2, seat 1 busy 3-5: 1-4 has a free seat at every instant, but no one seat throughout.
        var near = new[] { new SeatedBooking(Guid.NewGuid(), Hours(0, 2), 0), new SeatedBooking(Guid.NewGuid(), Hours(3, 5), 1) };
        Assert.Null(Seating.FreeSeat(Hours(1, 4), Duration.Zero, 2, near));
        Assert.Equal(1, Seating.FreeSeat(Hours(1, 2), Duration.Zero, 2, near));
    }

    [Fact]
    public void FreeSeat_Buffer_BlocksTheTimeAfterEachBooking()
    {
        var near = new[] { new SeatedBooking(Guid.NewGuid(), Hours(0, 2), 0) };
        Assert.Null(Seating.FreeSeat(new Interval(Origin + Duration.FromMinutes(140), Origin + Duration.FromHours(4)), Duration.FromMinutes(30), 1, near));
        Assert.Equal(0, Seating.FreeSeat(new Interval(Origin + Duration.FromMinutes(150), Origin + Duration.FromHours(4)), Duration.FromMinutes(30), 1, near));
    }

    [Property(MaxTest = 300)]
    public Property Pack_SeatsEveryBookingTheCountRuleAllows_AndNoSeatHoldsTwoOverlapping() =>
        Prop.ForAll(
            Gen.Choose(0, 40).Zip(Gen.Choose(1, 6)).ListOf().Zip(Gen.Choose(1, 4)).Zip(Gen.Choose(0, 2)).ToArbitrary(),
            input =>
            {
                var ((spans, capacity), bufferHours) = input;
                var buffer = Duration.FromHours(bufferHours);
                var calendar = new BookingCalendar();
                var accepted = new List<(Guid, Interval)>();
                foreach (var (start, length) in spans)
                {
                    var interval = Hours(start, start + length);
                    if (calendar.FindConflict(interval, buffer, capacity) is null)
                    {
                        var id = Guid.NewGuid();
                        calendar.Add(id, interval);
                        accepted.Add((id, interval));
                    }
                }

                var (seated, unseated) = Seating.Pack(accepted, buffer, capacity);
                var apart = seated.All(a => seated.All(b => a.Id == b.Id || a.Seat != b.Seat
                    || a.Interval.Start >= b.Interval.End + buffer || b.Interval.Start >= a.Interval.End + buffer));
                return unseated.Count == 0 && apart && seated.All(s => s.Seat < capacity);
            });
}
