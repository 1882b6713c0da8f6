using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Waitlist;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using LabScheduler.Persistence.Notifications;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

// The waitlist of the instrument: when time frees, the first waiter whose interval now fits is
// offered it (the time is held for them until the offer expires) or, with rules.waitlistAutoBook,
// booked into it at once. Offers are holds in the in-memory calendar, keyed by the entry's id.
public sealed partial class InstrumentGrain
{
    private readonly List<WaitlistEntry> _waitlist = [];

    async Task<CommandResult<WaitlistEntry>> IInstrumentGrain.JoinWaitlistAsync(Actor actor, WaitlistCommand command)
    {
        if (_row?.Definition is not { } definition)
        {
            return Checks.NotFound("instrument", Id);
        }

        if (command.EntryId is { } requested && (_waitlist.FirstOrDefault(w => w.Id == requested) ?? await waitlist.FindAsync(requested)) is { } known)
        {
            // A retry of the same request gets the same entry.
            return known.UserId == actor.UserId && known.Interval == command.Interval && known.InstrumentId == Id
                ? CommandResult<WaitlistEntry>.Ok(known)
                : Checks.Exists("waitlist entry", requested.ToString());
        }

        if (await RefuseUnlessMayBook(actor, command.TeamId, definition.Rules) is { } refused)
        {
            return refused;
        }

        var check = BookingPolicy.Check(command.Interval, Now(), Schedule(definition), _calendar);
        if (check.IsSuccess)
        {
            return new Problem("waitlist.time-free", "That time is free: book it instead of waiting for it.");
        }

        if (check.Error.Code != ErrorCodes.BookingConflict)
        {
            return CommandResult<WaitlistEntry>.Fail(check.Error);
        }

        if (_waitlist.Any(w => w.UserId == actor.UserId && w.Interval == command.Interval))
        {
            return new Problem(ErrorCodes.AlreadyExists, "You are already in line for that time.");
        }

        var now = Now();
        var entry = new WaitlistEntry
        {
            Id = command.EntryId ?? Guid.CreateVersion7(),
            InstrumentId = Id,
            TeamId = command.TeamId,
            UserId = actor.UserId,
            Interval = command.Interval,
            Status = WaitlistStatus.Waiting,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await waitlist.InsertAsync(entry);
        _waitlist.Add(entry);
        return CommandResult<WaitlistEntry>.Ok(entry);
    }

    async Task<CommandResult<Booking>> IInstrumentGrain.AcceptOfferAsync(Actor actor, Guid entryId)
    {
        if (_row?.Definition is not { } definition || _waitlist.FirstOrDefault(w => w.Id == entryId) is not { } entry)
        {
            return Checks.NotFound("waitlist entry", entryId.ToString());
        }

        if (entry.UserId != actor.UserId)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the waiter may take an offer.");
        }

        var now = Now();
        if (entry.Status != WaitlistStatus.Offered || entry.OfferExpiresAt <= now)
        {
            return new Problem(ErrorCodes.InvalidTransition, "There is no open offer on this entry.");
        }

        // Release the hold so the booking does not conflict with its own offer; put it back if the booking fails.
        _calendar.Remove(entry.Id);
        var booked = await BookFromWaitlistAsync(entry, definition, now);
        if (!booked.IsSuccess && _waitlist.Any(w => w.Id == entry.Id && w.Status == WaitlistStatus.Offered))
        {
            _calendar.Add(entry.Id, entry.Interval); // still on offer (the refusal was another rule's): keep holding
        }

        return booked;
    }

    async Task<CommandResult<WaitlistEntry>> IInstrumentGrain.WithdrawAsync(Actor actor, Guid entryId)
    {
        if (_waitlist.FirstOrDefault(w => w.Id == entryId) is not { } entry)
        {
            return Checks.NotFound("waitlist entry", entryId.ToString());
        }

        if (entry.UserId != actor.UserId && !(await Rights.OfAsync(GrainFactory, actor)).Manages(LabId))
        {
            return new Problem(ErrorCodes.Forbidden, "Only the waiter, the lab's managers and administrators may withdraw an entry.");
        }

        var withdrawn = await MoveEntryAsync(entry, WaitlistStatus.Withdrawn, null);
        await OfferFreedTimeAsync();
        return withdrawn is null ? new Problem(ErrorCodes.BookingConflict, "The entry changed at the same moment; try again.") : CommandResult<WaitlistEntry>.Ok(withdrawn);
    }

    Task<IReadOnlyList<WaitlistEntry>> IInstrumentGrain.GetWaitlistAsync() => Task.FromResult<IReadOnlyList<WaitlistEntry>>([.. _waitlist]);

    /// <summary>Offers (or books) freed time to the waiters, oldest first, whose interval now fits.</summary>
    private async Task OfferFreedTimeAsync()
    {
        if (_row?.Definition is not { } definition)
        {
            return;
        }

        var now = Now();
        foreach (var entry in _waitlist.Where(w => w.Status == WaitlistStatus.Waiting && w.Interval.Start > now).ToList())
        {
            if (!BookingPolicy.Check(entry.Interval, now, Schedule(definition), _calendar).IsSuccess)
            {
                continue;
            }

            if (definition.Rules.WaitlistAutoBook)
            {
                await BookFromWaitlistAsync(entry, definition, now);
            }
            else
            {
                var offered = entry with { Status = WaitlistStatus.Offered, OfferExpiresAt = now + Duration.FromMinutes(definition.Rules.OfferMinutes) };
                if (await MoveEntryAsync(entry, WaitlistStatus.Offered, offered, NoticeKinds.WaitlistOffer) is not null)
                {
                    _calendar.Add(entry.Id, entry.Interval);
                }
            }
        }
    }

    /// <summary>Expires offers past their time and waits whose interval has begun, then offers what that freed.</summary>
    private async Task<int> SweepWaitlistAsync(Instant now)
    {
        var changed = 0;
        foreach (var entry in _waitlist.ToList())
        {
            var due = (entry.Status == WaitlistStatus.Offered && entry.OfferExpiresAt <= now)
                || (entry.Status == WaitlistStatus.Waiting && entry.Interval.Start <= now);
            if (due && await MoveEntryAsync(entry, WaitlistStatus.Expired, null) is not null)
            {
                changed++;
            }
        }

        if (changed > 0)
        {
            await OfferFreedTimeAsync();
        }

        return changed;
    }

    private async Task<CommandResult<Booking>> BookFromWaitlistAsync(WaitlistEntry entry, InstrumentDefinition definition, Instant now)
    {
        var waiter = new Actor(entry.UserId);
        if (await RefuseUnlessMayBook(waiter, entry.TeamId, definition.Rules) is { } refused)
        {
            return refused;
        }

        var check = BookingPolicy.Check(entry.Interval, now, Schedule(definition), _calendar);
        if (!check.IsSuccess)
        {
            return CommandResult<Booking>.Fail(check.Error);
        }

        // The same quota, share and seat rules as every other path that creates a booking.
        var admitted = await AdmitAsync(waiter, entry.TeamId, [entry.Interval], "From the waitlist", definition.Rules, now);
        if (!admitted.IsSuccess)
        {
            return admitted.Problem!;
        }

        var booking = admitted.Value!.Bookings[0];

        // The booking and the entry's move to 'booked' are one statement: both or neither.
        var outcome = await WriteAsync(() => store.InsertAsync(
            booking,
            [.. BookingNotices.ForNew(booking, now), BookingNotices.Of(booking, NoticeKinds.WaitlistBooked, now)],
            [AuditOf(waiter, "booking", booking.Id.ToString(), BookingLifecycle.ToWire(booking.Status), new { fromWaitlist = entry.Id })],
            (entry.Id, entry.Version)));
        if (outcome is null)
        {
            await LoadWaitlistAsync(CancellationToken.None);
            return UnknownOutcome();
        }

        if (outcome != WriteOutcome.Written)
        {
            await LoadWaitlistAsync(CancellationToken.None);
            await ReloadCalendarAsync(CancellationToken.None);
            return new Problem(ErrorCodes.BookingConflict, "The time or the waitlist entry changed a moment ago; nothing was booked.");
        }

        Hold(booking);
        _waitlist.RemoveAll(w => w.Id == entry.Id);
        _calendar.Remove(entry.Id);
        return CommandResult<Booking>.Ok(booking);
    }

    /// <summary>Writes an entry's new status (with its notice); entries that leave the line leave memory and release any hold.</summary>
    private async Task<WaitlistEntry?> MoveEntryAsync(WaitlistEntry entry, WaitlistStatus target, WaitlistEntry? updated, string? noticeKind = null)
    {
        var now = Now();
        var next = (updated ?? entry with { Status = target, OfferExpiresAt = null }) with { UpdatedAt = now, Version = entry.Version + 1 };
        var notice = noticeKind is null ? null : WaitlistNotice(next, noticeKind, now);
        var index = _waitlist.FindIndex(w => w.Id == entry.Id);
        if (!await waitlist.UpdateAsync(next, entry.Version, notice))
        {
            // Someone else moved it: read the truth back.
            if (index >= 0)
            {
                _waitlist.RemoveAt(index);
            }

            _calendar.Remove(entry.Id);
            if (await waitlist.FindAsync(entry.Id) is { Status: WaitlistStatus.Waiting or WaitlistStatus.Offered } fresh)
            {
                _waitlist.Add(fresh);
            }

            return null;
        }

        if (target is WaitlistStatus.Waiting or WaitlistStatus.Offered)
        {
            _waitlist[index] = next;
        }
        else
        {
            _waitlist.RemoveAt(index);
            _calendar.Remove(entry.Id);
        }

        return next;
    }

    private static Notice WaitlistNotice(WaitlistEntry entry, string kind, Instant now) => new(
        Guid.CreateVersion7(), entry.UserId, kind, null, now,
        System.Text.Json.JsonSerializer.Serialize(new
        {
            waitlistEntryId = entry.Id,
            instrumentId = entry.InstrumentId,
            teamId = entry.TeamId,
            start = NodaTime.Text.InstantPattern.ExtendedIso.Format(entry.Interval.Start),
            end = NodaTime.Text.InstantPattern.ExtendedIso.Format(entry.Interval.End),
            offerExpiresAt = entry.OfferExpiresAt is { } e ? NodaTime.Text.InstantPattern.ExtendedIso.Format(e) : null,
        }));

    private async Task LoadWaitlistAsync(CancellationToken cancellationToken)
    {
        foreach (var old in _waitlist)
        {
            _calendar.Remove(old.Id);
        }

        _waitlist.Clear();
        foreach (var entry in await waitlist.LoadOpenAsync(Id, cancellationToken))
        {
            _waitlist.Add(entry);
            if (entry.Status == WaitlistStatus.Offered)
            {
                _calendar.Add(entry.Id, entry.Interval);
            }
        }
    }
}
