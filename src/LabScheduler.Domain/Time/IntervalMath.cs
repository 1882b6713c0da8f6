using NodaTime;

namespace LabScheduler.Domain.Time;

/// <summary>Set operations on half-open intervals [start, end) kept sorted and disjoint.</summary>
public static class IntervalMath
{
    /// <summary>Sorts and merges overlapping or touching intervals.</summary>
    public static List<Interval> Normalize(IEnumerable<Interval> intervals)
    {
        var merged = new List<Interval>();
        foreach (var next in intervals.Where(i => i.Start < i.End).OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && merged[^1].End >= next.Start)
            {
                var last = merged[^1];
                merged[^1] = new Interval(last.Start, Max(last.End, next.End));
            }
            else
            {
                merged.Add(next);
            }
        }

        return merged;
    }

    /// <summary>The parts of <paramref name="from"/> not covered by <paramref name="remove"/>; both normalized.</summary>
    public static List<Interval> Subtract(IReadOnlyList<Interval> from, IReadOnlyList<Interval> remove)
    {
        var result = new List<Interval>();
        var j = 0;
        foreach (var source in from)
        {
            var cursor = source.Start;
            while (j < remove.Count && remove[j].End <= cursor)
            {
                j++;
            }

            var k = j;
            while (k < remove.Count && remove[k].Start < source.End)
            {
                if (remove[k].Start > cursor)
                {
                    result.Add(new Interval(cursor, remove[k].Start));
                }

                cursor = Max(cursor, remove[k].End);
                k++;
            }

            if (cursor < source.End)
            {
                result.Add(new Interval(cursor, source.End));
            }
        }

        return result;
    }

    /// <summary>Clips normalized intervals to a window.</summary>
    public static List<Interval> Clip(IEnumerable<Interval> intervals, Interval window) =>
        intervals
            .Where(i => i.Start < window.End && i.End > window.Start)
            .Select(i => new Interval(Max(i.Start, window.Start), Min(i.End, window.End)))
            .ToList();

    /// <summary>Whether two half-open intervals share an instant (touching ones do not).</summary>
    public static bool Overlaps(Interval a, Interval b) => a.Start < b.End && b.Start < a.End;

    public static Instant Max(Instant a, Instant b) => a > b ? a : b;

    public static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
