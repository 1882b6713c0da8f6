using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Contracts.Waitlist;
using LabScheduler.Persistence.Bookings;
using LabScheduler.Persistence.Waitlist;
using NodaTime;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Bookings;

/// <inheritdoc cref="IBookingQueryGrain"/>
[StatelessWorker]
public sealed class BookingQueryGrain(BookingStore store, WaitlistStore waitlist, LabScheduler.Persistence.Schedule.ScheduleQueries schedule) : Grain, IBookingQueryGrain
{
    async Task<int> IBookingQueryGrain.PendingApprovalsCountAsync(Actor actor)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        return access.IsAdmin ? await schedule.PendingCountAsync(null) : access.ManagedLabs.Count == 0 ? 0 : await schedule.PendingCountAsync(access.ManagedLabs);
    }

    async Task<CommandResult<WaitlistEntry>> IBookingQueryGrain.FindWaitlistEntryAsync(Actor actor, Guid entryId)
    {
        var entry = await waitlist.FindAsync(entryId);
        if (entry is null)
        {
            return Checks.NotFound("waitlist entry", entryId.ToString());
        }

        if (entry.UserId == actor.UserId)
        {
            return CommandResult<WaitlistEntry>.Ok(entry);
        }

        var access = await Rights.OfAsync(GrainFactory, actor);
        var lab = (await GrainFactory.GetGrain<Contracts.Instruments.IInstrumentGrain>(entry.InstrumentId).GetAsync())?.LabId;
        return access.IsAdmin || (lab is not null && access.Manages(lab)) ? CommandResult<WaitlistEntry>.Ok(entry) : Checks.NotFound("waitlist entry", entryId.ToString());
    }

    Task<IReadOnlyList<WaitlistEntry>> IBookingQueryGrain.MyWaitlistAsync(Actor actor, Instant? afterCreatedAt, Guid? afterId, int limit) =>
        waitlist.ForUserAsync(actor.UserId, afterCreatedAt is { } at && afterId is { } id ? (at, id) : null, limit);

    async Task<CommandResult<Booking>> IBookingQueryGrain.FindAsync(Actor actor, Guid bookingId)
    {
        var booking = await store.FindAsync(bookingId);
        if (booking is null)
        {
            return Checks.NotFound("booking", bookingId.ToString());
        }

        var access = await Rights.OfAsync(GrainFactory, actor);
        var visible = access.IsAdmin || booking.UserId == actor.UserId || access.BelongsTo(booking.TeamId) || access.Manages(booking.LabId);

        // Not revealing whether an invisible booking exists.
        return visible ? CommandResult<Booking>.Ok(booking) : Checks.NotFound("booking", bookingId.ToString());
    }

    async Task<CommandResult<Series>> IBookingQueryGrain.FindSeriesAsync(Actor actor, Guid seriesId)
    {
        var bookings = await store.FindSeriesAsync(seriesId);
        if (bookings.Count == 0)
        {
            return Checks.NotFound("series", seriesId.ToString());
        }

        var first = bookings[0];
        var access = await Rights.OfAsync(GrainFactory, actor);
        var visible = access.IsAdmin || first.UserId == actor.UserId || access.BelongsTo(first.TeamId) || access.Manages(first.LabId);
        return visible ? CommandResult<Series>.Ok(new Series(seriesId, bookings)) : Checks.NotFound("series", seriesId.ToString());
    }

    // A feed is one document: every booking of the window, read a page at a time.
    async Task<IReadOnlyList<Booking>> IBookingQueryGrain.InstrumentCalendarAsync(string instrumentId, Instant from, Instant to)
    {
        const int Page = 1000;
        var all = new List<Booking>();
        var query = new BookingQuery { All = true, InstrumentId = instrumentId, From = from, To = to, Limit = Page };
        while (true)
        {
            var page = await store.QueryAsync(query);
            all.AddRange(page);
            if (page.Count < Page)
            {
                return all;
            }

            query = query with { AfterStart = page[^1].Interval.Start, AfterId = page[^1].Id };
        }
    }

    async Task<BookingPage> IBookingQueryGrain.ListAsync(Actor actor, BookingFilter filter, BookingCursor? after, int limit)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        var rows = await store.QueryAsync(new BookingQuery
        {
            All = access.IsAdmin,
            VisibleToUser = actor.UserId,
            VisibleTeams = access.Teams,
            VisibleLabs = access.ManagedLabs,
            InstrumentId = filter.InstrumentId,
            TeamId = filter.TeamId,
            UserId = filter.UserId,
            LabId = filter.LabId,
            Status = filter.Status,
            From = filter.From,
            To = filter.To,
            AfterStart = after?.Start,
            AfterId = after?.Id,
            Limit = limit + 1,
        });

        var page = rows.Take(limit).ToList();
        return new BookingPage
        {
            Items = page,
            Next = rows.Count > limit ? new BookingCursor(page[^1].Interval.Start, page[^1].Id) : null,
        };
    }
}
