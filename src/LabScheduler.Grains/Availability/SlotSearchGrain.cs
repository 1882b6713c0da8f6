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

        var entries = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
                .FindInstrumentsAsync(new InstrumentFilter { Category = query.Category, MemberState = query.MemberState }, null, int.MaxValue))
            .Where(e => e.Status == InstrumentStatus.Active && (!e.Rules.RequiresAuthorization || e.AuthorizedUsers.Contains(actor.UserId)))
            .ToList();
        if (entries.Count == 0)
        {
            return [];
        }

        var booked = await store.HoldingIntervalsAsync(
            [.. entries.Select(e => e.Id)], new Interval(query.Window.Start - BufferReach, query.Window.End + BufferReach));
        var now = clock.GetCurrentInstant();
        var window = new Interval(IntervalMath.Max(query.Window.Start, now), IntervalMath.Max(query.Window.End, now));
        var slots = new List<Slot>();
        foreach (var entry in entries)
        {
            var zone = LabTime.FindZone(entry.TimeZone).Value;
            var calendar = new BookingCalendar();
            foreach (var interval in booked.GetValueOrDefault(entry.Id) ?? [])
            {
                calendar.Add(Guid.NewGuid(), interval);
            }

            var free = FreeTime.Compute(window, new InstrumentSchedule(zone, entry.Rules, entry.OpeningHours, entry.Blackouts, IsActive: true), calendar);
            slots.AddRange(SlotFinder.Earliest(free, query.Length, now, entry.Rules, zone, query.Limit)
                .Select(s => new Slot(entry.Id, entry.LabId, entry.TimeZone, s)));
        }

        return [.. slots.OrderBy(s => s.Interval.Start).ThenBy(s => s.InstrumentId, StringComparer.Ordinal).Take(query.Limit)];
    }
}
