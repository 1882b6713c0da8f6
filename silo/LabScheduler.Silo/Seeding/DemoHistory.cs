using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Silo.Seeding;

/// <summary>
/// Past months of use for the demo, so that a fresh demo's dashboard, statements, heat map and
/// "past bookings" have something to show: sessions in the labs' working hours (lab-local time),
/// most of them used, some no-shows and cancellations. The same instrument, teams and day give the
/// same history (a fixed seed per instrument, never the process's string hashing).
/// </summary>
public static class DemoHistory
{
    private static readonly string[] Purposes =
    [
        "Sample characterisation", "Method development", "Thesis measurements", "Calibration run",
        "Joint project samples", "Training session", "Repeat of last week's series", "Partner lab samples",
    ];

    /// <summary>
    /// Bookings of <paramref name="instrumentId"/> over the <paramref name="days"/> lab-local days
    /// that ended at least two days before <paramref name="now"/>, for the given teams and members.
    /// </summary>
    public static IReadOnlyList<Booking> For(
        string instrumentId, DateTimeZone labZone, BookingRules rules, IReadOnlyList<(string TeamId, string[] Members)> teams, Instant now, int days = 180)
    {
        var random = new Random(StableSeed(instrumentId));
        var today = now.InZone(labZone).Date;
        var slot = Math.Max(rules.SlotMinutes, 30);
        var minMinutes = Math.Max(rules.MinMinutes, 60);
        var maxMinutes = Math.Min(rules.MaxMinutes is > 0 ? rules.MaxMinutes : 480, 480);
        var parallel = Math.Clamp(rules.Capacity, 1, 3);
        var bookings = new List<Booking>();

        for (var date = today.PlusDays(-days); date <= today.PlusDays(-2); date = date.PlusDays(1))
        {
            var chance = date.DayOfWeek switch
            {
                IsoDayOfWeek.Sunday => 0.0,
                IsoDayOfWeek.Saturday => 0.3,
                _ => 0.85,
            };
            for (var seat = 0; seat < parallel; seat++)
            {
                // A working day of 08:00 to 20:00 lab time, filled from the morning with gaps.
                var cursor = date.At(new LocalTime(8, 0)).PlusMinutes(random.Next(0, 4) * slot);
                var closing = date.At(new LocalTime(20, 0));
                while (random.NextDouble() < chance)
                {
                    var minutes = RoundUp(random.Next(minMinutes, Math.Max(minMinutes, maxMinutes / 2) + 1), slot);
                    var localEnd = cursor.PlusMinutes(minutes);
                    if (localEnd > closing)
                    {
                        break;
                    }

                    var interval = new Interval(cursor.InZoneLeniently(labZone).ToInstant(), localEnd.InZoneLeniently(labZone).ToInstant());
                    var (teamId, members) = teams[random.Next(teams.Count)];
                    bookings.Add(Session(random, instrumentId, teamId, members[random.Next(members.Length)], interval));
                    cursor = localEnd.PlusMinutes(rules.BufferMinutes + (random.Next(0, 5) * slot));
                    chance *= 0.6;
                }

                chance *= 0.5;
            }
        }

        return bookings;
    }

    private static Booking Session(Random random, string instrumentId, string teamId, string userId, Interval interval)
    {
        var created = interval.Start - Duration.FromHours(random.Next(24, 24 * 21));
        var outcome = random.NextDouble();
        var booking = new Booking
        {
            Id = GuidFrom(random),
            InstrumentId = instrumentId,
            LabId = "",
            TeamId = teamId,
            UserId = userId,
            Status = BookingStatus.Completed,
            Interval = interval,
            Purpose = Purposes[random.Next(Purposes.Length)],
            CreatedAt = created,
            UpdatedAt = interval.End,
        };
        if (outcome < 0.08)
        {
            return booking with { Status = BookingStatus.NoShow, UpdatedAt = interval.Start + Duration.FromMinutes(30) };
        }

        if (outcome < 0.2)
        {
            var cancelled = interval.Start - Duration.FromHours(random.Next(2, 48));
            return booking with
            {
                Status = BookingStatus.Cancelled,
                StatusReason = "Plans changed",
                UpdatedAt = cancelled > created ? cancelled : created,
            };
        }

        var checkedIn = interval.Start + Duration.FromMinutes(random.Next(-10, 15));
        var ended = interval.End - Duration.FromMinutes(random.Next(0, 45));
        return booking with { CheckedInAt = checkedIn, EndedAt = ended > checkedIn ? ended : interval.End };
    }

    private static int RoundUp(int minutes, int slot) => (minutes + slot - 1) / slot * slot;

    private static Guid GuidFrom(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, as Guid stores it
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    // FNV-1a over the id: the same seed in every process.
    private static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
