using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Schedule;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Schedule;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Schedule;

/// <inheritdoc cref="IScheduleGrain"/>
[StatelessWorker]
public sealed class ScheduleGrain(ScheduleQueries queries, IClock clock) : Grain, IScheduleGrain
{
    // Bookings this far outside the window can still keep its edges busy through their buffers.
    private static readonly Duration BufferReach = Duration.FromDays(1);

    async Task<CommandResult<IReadOnlyList<ScheduleItem>>> IScheduleGrain.GetAsync(Actor actor, ScheduleQuery query)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        var wanted = query.InstrumentIds?.ToHashSet(StringComparer.Ordinal);
        var entries = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
                .FindInstrumentsAsync(new InstrumentFilter { LabId = query.LabId, Category = query.Category }, null, int.MaxValue))
            .Where(e => wanted is null || wanted.Contains(e.Id))
            .ToList();
        if (entries.Count > IScheduleGrain.MaxInstruments)
        {
            return new Problem(ErrorCodes.Validation, $"The query names {entries.Count} instruments; at most {IScheduleGrain.MaxInstruments} at once.");
        }

        // Names and blackout reasons are the instruments' own: one parallel read each, no sequence of activations.
        var instrumentsTask = Task.WhenAll(entries.Select(e => GrainFactory.GetGrain<IInstrumentGrain>(e.Id).GetAsync()));
        var heldTask = queries.HeldAsync([.. entries.Select(e => e.Id)], new Interval(query.Window.Start - BufferReach, query.Window.End + BufferReach));
        var labsTask = Task.WhenAll(entries.Select(e => e.LabId).Distinct().Select(id => GrainFactory.GetGrain<ILabGrain>(id).GetAsync()));
        var instruments = (await instrumentsTask).OfType<InstrumentView>().ToList();
        var held = (await heldTask).ToLookup(h => h.InstrumentId);
        var labNames = (await labsTask).OfType<LabView>().ToDictionary(l => l.Profile.Id, l => l.Profile.Name);

        var items = instruments
            .Select(i => Schedule(i, labNames.GetValueOrDefault(i.LabId, i.LabId), [.. held[i.Id]], query.Window, access, actor))
            .OrderBy(s => s.LabName, StringComparer.Ordinal).ThenBy(s => s.Instrument.Definition.Name, StringComparer.Ordinal).ThenBy(s => s.Instrument.Id, StringComparer.Ordinal)
            .ToList();
        return CommandResult<IReadOnlyList<ScheduleItem>>.Ok(items);
    }

    async Task<CommandResult<InstrumentNow>> IScheduleGrain.NowAsync(Actor actor, string instrumentId)
    {
        var grain = GrainFactory.GetGrain<IInstrumentGrain>(instrumentId);
        if (await grain.GetAsync() is not { } instrument)
        {
            return Checks.NotFound("instrument", instrumentId);
        }

        var access = await Rights.OfAsync(GrainFactory, actor);
        var now = clock.GetCurrentInstant();
        var horizon = new Interval(now, now + Duration.FromDays(instrument.Definition.Rules.HorizonDays + 1));
        var calendar = await grain.GetCalendarAsync(horizon);
        var current = calendar.FirstOrDefault(b => b.Interval.Contains(now));
        var next = calendar.FirstOrDefault(b => b.Interval.Start > now);
        bool Own(Booking b) => b.UserId == actor.UserId || access.BelongsTo(b.TeamId);

        string state;
        Instant? until;
        if (instrument.Status != InstrumentStatus.Active)
        {
            (state, until) = ("closed", null);
        }
        else if (current is not null)
        {
            (state, until) = ("busy", current.Interval.End);
        }
        else
        {
            var zone = LabTime.FindZone(instrument.TimeZone).Value;
            var open = IntervalMath.Subtract(
                IntervalMath.Normalize(instrument.OpeningHours.OpenIntervals(horizon, zone)),
                IntervalMath.Normalize(instrument.Blackouts.Select(b => b.Interval)));
            var stretch = open.FirstOrDefault(o => o.Contains(now));
            if (stretch != default)
            {
                (state, until) = ("free", next is { } n && n.Interval.Start < stretch.End ? n.Interval.Start : stretch.End);
            }
            else
            {
                (state, until) = ("closed", open.Where(o => o.Start > now).Select(o => (Instant?)o.Start).FirstOrDefault());
            }
        }

        return CommandResult<InstrumentNow>.Ok(new InstrumentNow
        {
            Instrument = instrument,
            State = state,
            Until = until == horizon.End ? null : until,
            Current = current is not null && Own(current) ? current : null,
            Next = next is not null && Own(next) ? next : null,
        });
    }

    private static ScheduleItem Schedule(InstrumentView instrument, string labName, IReadOnlyList<HeldTime> held, Interval window, Access access, Actor actor)
    {
        var zone = LabTime.FindZone(instrument.TimeZone).Value;
        var rules = instrument.Definition.Rules;
        var active = instrument.Status == InstrumentStatus.Active;
        var blackouts = instrument.Blackouts.Where(b => IntervalMath.Overlaps(b.Interval, window)).OrderBy(b => b.Interval.Start).ToList();

        List<ClosedSpan> closed;
        if (!active)
        {
            closed = [new ClosedSpan(window, "maintenance", instrument.Status == InstrumentStatus.Retired ? "retired" : "maintenance")];
        }
        else
        {
            var shut = IntervalMath.Subtract([window], IntervalMath.Normalize(instrument.OpeningHours.OpenIntervals(window, zone)));
            closed = [.. IntervalMath.Subtract(shut, IntervalMath.Normalize(blackouts.Select(b => b.Interval))).Select(i => new ClosedSpan(i, "closed", null))
                .Concat(blackouts.Select(b => new ClosedSpan(IntervalMath.Clip([b.Interval], window)[0], "blackout", b.Reason)))
                .OrderBy(c => c.Interval.Start)];
        }

        var calendar = new BookingCalendar();
        foreach (var h in held)
        {
            calendar.Add(h.Id, h.Interval);
        }

        // The same rule as the instrument's own free time (GET /instruments/{id}/free).
        var free = FreeTime.Compute(window, new InstrumentSchedule(zone, rules, instrument.OpeningHours, [.. instrument.Blackouts.Select(b => b.Interval)], active), calendar);

        bool Visible(HeldTime h) => access.IsAdmin || h.UserId == actor.UserId || access.BelongsTo(h.TeamId) || access.Manages(h.LabId);
        bool Mine(HeldTime h) => h.UserId == actor.UserId || access.BelongsTo(h.TeamId);
        var inWindow = held.Where(h => IntervalMath.Overlaps(h.Interval, window)).ToList();
        var busy = inWindow.Where(Visible)
            .Select(h => new BusySpan(h.Interval, null, Mine(h), new BusyDetails(h.Id, h.Status, h.TeamId, h.UserId, h.Purpose)))
            .ToList();
        var hidden = inWindow.Where(h => !Visible(h)).Select(h => h.Interval).ToList();
        busy.AddRange(rules.Capacity > 1
            ? Occupancy(hidden).Select(o => new BusySpan(o.Interval, o.Seats, false, null))
            : hidden.Select(i => new BusySpan(i, null, false, null)));

        return new ScheduleItem
        {
            Instrument = instrument,
            LabName = labName,
            Closed = closed,
            Busy = [.. busy.OrderBy(b => b.Interval.Start).ThenBy(b => b.Interval.End)],
            Free = free,
        };
    }

    // Stretches of constant, non-zero occupancy: seats taken by bookings whose details are not shown.
    private static List<(Interval Interval, int Seats)> Occupancy(IReadOnlyList<Interval> spans)
    {
        var events = spans.SelectMany(s => new[] { (At: s.Start, Delta: 1), (At: s.End, Delta: -1) }).OrderBy(e => e.At).ToList();
        var result = new List<(Interval, int)>();
        var count = 0;
        for (var i = 0; i < events.Count; i++)
        {
            count += events[i].Delta;
            if (i + 1 < events.Count && events[i + 1].At > events[i].At && count > 0)
            {
                var stretch = new Interval(events[i].At, events[i + 1].At);
                if (result.Count > 0 && result[^1].Item2 == count && result[^1].Item1.End == stretch.Start)
                {
                    result[^1] = (new Interval(result[^1].Item1.Start, stretch.End), count);
                }
                else
                {
                    result.Add((stretch, count));
                }
            }
        }

        return result;
    }
}
