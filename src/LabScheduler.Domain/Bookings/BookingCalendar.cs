using LabScheduler.Domain.Time;
using NodaTime;

namespace LabScheduler.Domain.Bookings;

/// <summary>
/// The in-memory interval index of an instrument's bookings that hold time. Conflict checks
/// are O(log n + k) for k nearby bookings, so a long calendar costs no more per booking.
/// Not thread-safe: it lives inside one grain activation.
/// </summary>
public sealed class BookingCalendar
{
    private readonly SortedSet<CalendarEntry> _byStart = new(CalendarEntry.StartOrder);
    private readonly Dictionary<Guid, CalendarEntry> _byId = [];

    // The longest entry ever held bounds how far back an overlapping entry can start.
    private Duration _longest = Duration.Zero;

    public int Count => _byId.Count;

    public IEnumerable<CalendarEntry> Entries => _byStart;

    /// <summary>Adds or replaces an entry.</summary>
    public void Add(Guid id, Interval interval)
    {
        Remove(id);
        var entry = new CalendarEntry(id, interval);
        _byStart.Add(entry);
        _byId.Add(id, entry);
        if (interval.Duration > _longest)
        {
            _longest = interval.Duration;
        }
    }

    public bool Remove(Guid id)
    {
        if (!_byId.Remove(id, out var entry))
        {
            return false;
        }

        _byStart.Remove(entry);
        return true;
    }

    /// <summary>Entries sharing an instant with <paramref name="window"/>, by start.</summary>
    public IEnumerable<CalendarEntry> Overlapping(Interval window)
    {
        if (_byStart.Count == 0 || window.Start >= window.End)
        {
            return [];
        }

        var low = new CalendarEntry(Guid.Empty, new Interval(window.Start - _longest, window.Start - _longest));
        var high = new CalendarEntry(Guid.AllBitsSet, new Interval(window.End, window.End));
        if (CalendarEntry.StartOrder.Compare(low, high) > 0)
        {
            return [];
        }

        return _byStart.GetViewBetween(low, high).Where(e => IntervalMath.Overlaps(e.Interval, window));
    }

    /// <summary>
    /// The first entry that stops <paramref name="candidate"/> from being booked, or null.
    /// Each booking keeps <paramref name="buffer"/> free after its end; with a capacity above
    /// one, the candidate conflicts only where all seats are already taken.
    /// </summary>
    public CalendarEntry? FindConflict(Interval candidate, Duration buffer, int capacity, Guid? ignore = null)
    {
        // Existing [s', e' + b) against the candidate's [s, e + b): widen the window by the buffer both ways.
        var occupied = new Interval(candidate.Start, candidate.End + buffer);
        var window = new Interval(candidate.Start - buffer, candidate.End + buffer);
        var near = Overlapping(window)
            .Where(e => e.Id != ignore && IntervalMath.Overlaps(new Interval(e.Interval.Start, e.Interval.End + buffer), occupied))
            .ToList();
        if (near.Count < capacity)
        {
            return null;
        }

        if (capacity <= 1)
        {
            return near[0];
        }

        // Sweep the seats taken over the candidate's span; a conflict is where they reach capacity.
        var events = new List<(Instant At, int Delta, CalendarEntry Entry)>();
        foreach (var e in near)
        {
            events.Add((IntervalMath.Max(e.Interval.Start, occupied.Start), +1, e));
            events.Add((IntervalMath.Min(e.Interval.End + buffer, occupied.End), -1, e));
        }

        var taken = 0;
        foreach (var (_, delta, entry) in events.OrderBy(x => x.At).ThenBy(x => x.Delta))
        {
            taken += delta;
            if (taken >= capacity)
            {
                return entry;
            }
        }

        return null;
    }
}

/// <summary>One booking's interval in the calendar.</summary>
public sealed record CalendarEntry(Guid Id, Interval Interval)
{
    internal static IComparer<CalendarEntry> StartOrder { get; } = Comparer<CalendarEntry>.Create((a, b) =>
    {
        var byStart = a.Interval.Start.CompareTo(b.Interval.Start);
        return byStart != 0 ? byStart : a.Id.CompareTo(b.Id);
    });
}
