using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LabScheduler.Domain.Bookings;
using NodaTime;
using Interval = NodaTime.Interval;

namespace LabScheduler.Domain.Tests.Bookings;

/// <summary>
/// For any sequence of book and cancel operations, the interval index accepts exactly the
/// bookings a brute-force check over every held booking accepts, so no two accepted bookings
/// overlap (with buffers) and no more than capacity ever share an instant.
/// </summary>
public sealed class BookingCalendarPropertyTests
{
    private static readonly Instant Origin = Instant.FromUtc(2026, 12, 1, 0, 0);

    /// <summary>One step: book [start, start + length) in quarter hours, or cancel the n-th held booking.</summary>
    public sealed record Step(bool Cancel, int Start, int Length, int Pick);

    private static Arbitrary<Step[]> Steps() =>
        Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(0, 96).SelectMany(start => Gen.Choose(1, 16).SelectMany(length =>
            Gen.Choose(0, 1000).Select(pick => new Step(kind == 0, start, length, pick)))))
        .ArrayOf().ToArbitrary();

    private static bool Blocks(Interval held, Interval candidate, Duration buffer) =>
        candidate.Start < held.End + buffer && held.Start < candidate.End + buffer;

    private static bool BruteForceAccepts(IEnumerable<Interval> held, Interval candidate, Duration buffer, int capacity)
    {
        // The seats taken at every instant where a held booking (with buffer) starts inside the candidate's span.
        var blocking = held.Where(h => Blocks(h, candidate, buffer)).ToList();
        var probes = blocking.Select(h => h.Start).Append(candidate.Start).Where(t => t >= candidate.Start && t < candidate.End + buffer);
        return probes.All(t => blocking.Count(h => h.Start <= t && t < h.End + buffer) < capacity);
    }

    private static bool Run(Step[] steps, int capacity, int bufferQuarters)
    {
        var buffer = Duration.FromMinutes(15 * bufferQuarters);
        var calendar = new BookingCalendar();
        var held = new Dictionary<Guid, Interval>();
        foreach (var step in steps)
        {
            if (step.Cancel)
            {
                if (held.Count > 0)
                {
                    var id = held.Keys.ElementAt(step.Pick % held.Count);
                    held.Remove(id);
                    if (!calendar.Remove(id))
                    {
                        return false;
                    }
                }

                continue;
            }

            var candidate = new Interval(Origin + Duration.FromMinutes(15 * step.Start), Origin + Duration.FromMinutes(15 * (step.Start + step.Length)));
            var accepted = calendar.FindConflict(candidate, buffer, capacity) is null;
            if (accepted != BruteForceAccepts(held.Values, candidate, buffer, capacity))
            {
                return false;
            }

            if (accepted)
            {
                var id = Guid.NewGuid();
                held[id] = candidate;
                calendar.Add(id, candidate);
            }
        }

        // Invariant over what is held: at no instant more than capacity bookings (buffers included).
        return held.Values.All(h => held.Values.Count(o => o.Start <= h.Start && h.Start < o.End + buffer) <= capacity)
            && calendar.Count == held.Count;
    }

    [Property(MaxTest = 300)]
    public Property CapacityOne_NoBuffer_MatchesBruteForce() => Prop.ForAll(Steps(), steps => Run(steps, capacity: 1, bufferQuarters: 0));

    [Property(MaxTest = 300)]
    public Property CapacityOne_WithBuffer_MatchesBruteForce() => Prop.ForAll(Steps(), steps => Run(steps, capacity: 1, bufferQuarters: 2));

    [Property(MaxTest = 300)]
    public Property CapacityThree_WithBuffer_MatchesBruteForce() => Prop.ForAll(Steps(), steps => Run(steps, capacity: 3, bufferQuarters: 1));

    [Fact]
    public void Overlapping_FindsLongBookingThatStartedFarEarlier()
    {
        var calendar = new BookingCalendar();
        var longOne = Guid.NewGuid();
        calendar.Add(longOne, new Interval(Origin, Origin + Duration.FromDays(3)));
        calendar.Add(Guid.NewGuid(), new Interval(Origin + Duration.FromDays(1), Origin + Duration.FromDays(1) + Duration.FromHours(1)));
        var window = new Interval(Origin + Duration.FromDays(2), Origin + Duration.FromDays(2) + Duration.FromHours(1));
        Assert.Equal([longOne], calendar.Overlapping(window).Select(e => e.Id));
    }
}
