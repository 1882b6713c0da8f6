using LabScheduler.Contracts.Availability;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Availability;

/// <inheritdoc cref="ISlotSearchGrain"/>
[StatelessWorker]
public sealed class SlotSearchGrain(BookingStore store, IClock clock) : Grain, ISlotSearchGrain
{
    // Bookings this far outside the window can still keep its edges busy through their buffers.
    private static readonly Duration BufferReach = Duration.FromDays(1);

    async Task<IReadOnlyList<Slot>> ISlotSearchGrain.FindAsync(Actor actor, SlotQuery query)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        if (access.Teams.Count == 0 && !access.IsAdmin)
        {
            return []; // Books for no team: no instrument is bookable.
        }

        var entries = await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).FindInstrumentsAsync(
            new InstrumentFilter
            {
                Category = query.Category,
                MemberState = query.MemberState,
                BookableBy = actor.UserId,
                BlackoutsOver = new Interval(query.Window.Start - BufferReach, query.Window.End + BufferReach),
            },
            null,
            int.MaxValue);
        if (entries.Count == 0)
        {
            return [];
        }

        var booked = await store.HoldingIntervalsAsync(
            [.. entries.Select(e => e.Id)], new Interval(query.Window.Start - BufferReach, query.Window.End + BufferReach));
        var now = clock.GetCurrentInstant();
        var window = new Interval(IntervalMath.Max(query.Window.Start, now), IntervalMath.Max(query.Window.End, now));
        // Keep only the best `limit` slots so far: once that many are known, later instruments only need
        // to look up to the last of them, which keeps the search near-linear in the number of instruments.
        var best = new List<Slot>(query.Limit + 1);
        var order = Comparer<Slot>.Create((a, b) => a.Interval.Start != b.Interval.Start
            ? a.Interval.Start.CompareTo(b.Interval.Start)
            : string.CompareOrdinal(a.InstrumentId, b.InstrumentId));
        foreach (var entry in entries.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            Instant? cutoff = best.Count >= query.Limit ? best[^1].Interval.Start : null;
            var searchWindow = cutoff is { } c && c + query.Length < window.End ? new Interval(window.Start, c + query.Length) : window;
            if (searchWindow.End <= searchWindow.Start)
            {
                continue;
            }

            var zone = LabTime.FindZone(entry.TimeZone).Value;
            var calendar = new BookingCalendar();
            foreach (var interval in booked.GetValueOrDefault(entry.Id) ?? [])
            {
                calendar.Add(Guid.NewGuid(), interval);
            }

            var free = FreeTime.Compute(searchWindow, new InstrumentSchedule(zone, entry.Rules, entry.OpeningHours, entry.Blackouts, IsActive: true), calendar);
            foreach (var slot in SlotFinder.Earliest(free, query.Length, now, entry.Rules, zone, query.Limit, cutoff))
            {
                var candidate = new Slot(entry.Id, entry.LabId, entry.TimeZone, slot);
                var at = best.BinarySearch(candidate, order);
                best.Insert(at < 0 ? ~at : at, candidate);
                if (best.Count > query.Limit)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        return best;
    }
}
