using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using LabScheduler.Persistence.Idempotency;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Single bookings: book, cancel, approve, reject, check in and out. Every status change goes through
/// <see cref="TransitionAsync"/>, which writes the row, its notices, ledger entry and audit record at once.
/// </remarks>
public sealed partial class InstrumentGrain
{
    async Task<CommandResult<Booking>> IInstrumentGrain.BookAsync(Actor actor, BookCommand command)
    {
        if (_row?.Definition is not { } definition)
        {
            return Checks.NotFound("instrument", Id);
        }

        // A retry whose booking holds time is answered from memory. One whose booking no longer does
        // (cancelled or ended since) is found in the table, but only when the request would otherwise
        // fail: looking every new booking's id up first would cost each booking a query.
        if (command.BookingId is { } requestedId && _holding.TryGetValue(requestedId, out var held))
        {
            return SameRequest(held, actor, command);
        }

        if (await RefuseUnlessMayBook(actor, command.TeamId, definition.Rules) is { } refused)
        {
            return await RefusalOrEarlierAsync(actor, command, refused);
        }

        var now = Now();
        var check = BookingPolicy.Check(command.Interval, now, Schedule(definition), _calendar);
        if (!check.IsSuccess)
        {
            return await RefusalOrEarlierAsync(actor, command, CommandResult<Booking>.Fail(check.Error));
        }

        var admitted = await AdmitAsync(actor, command.TeamId, [command.Interval], command.Purpose, definition.Rules, now, b => b with { Id = command.BookingId ?? b.Id });
        if (!admitted.IsSuccess)
        {
            return await RefusalOrEarlierAsync(actor, command, admitted.Problem!);
        }

        var (booking, warnings) = (admitted.Value!.Bookings[0], admitted.Value.Warnings);
        var key = command.Key is { } k ? new BookingKeyRow(actor.UserId, k.Key, k.RequestHash, k.Location, k.At) : null;
        switch (await WriteAsync(() => store.InsertAsync(
                    booking, BookingNotices.ForNew(booking, now), [AuditOf(actor, "booking", booking.Id.ToString(), BookingLifecycle.ToWire(booking.Status), Summary(booking))], key: key)))
        {
            case null:
                return UnknownOutcome();
            case WriteOutcome.Written:
                Hold(booking);
                LogBooked(logger, Id, booking.Id, booking.Interval.Start, booking.Interval.End);
                return CommandResult<Booking>.Ok(booking with { Warnings = warnings });
            case WriteOutcome.Overlap:
                // Memory said free, the database said taken: another writer got there first.
                LogRefusedByDatabase(logger, Id, booking.Interval.Start, booking.Interval.End);
                // (That booking may be this very request's, stored by an attempt whose answer was lost.)
                await ReloadCalendarAsync(CancellationToken.None);
                return await RefusalOrEarlierAsync(actor, command, new Problem(ErrorCodes.BookingConflict, "Another booking of this time was stored a moment ago."));
            case WriteOutcome.KeyTaken:
                // The key's row is another request's (perhaps a refusal the gateway kept), or this booking's, made by an attempt whose answer was lost.
                return await RefusalOrEarlierAsync(actor, command, KeyTaken());
            default:
                // The id is taken: a retry of a request whose booking was stored (and has since left memory), or another request.
                return await RefusalOrEarlierAsync(actor, command, Checks.Exists("booking", booking.Id.ToString()));
        }
    }

    // A retry of the same request gets the same booking; another request with that id does not. With an
    // Idempotency-Key (the id comes from it) the whole request counts, purpose too, and another request
    // reused the key: the gateway answers from the key's row.
    private static CommandResult<Booking> SameRequest(Booking existing, Actor actor, BookCommand command) =>
        existing.TeamId == command.TeamId && existing.UserId == actor.UserId && existing.Interval == command.Interval
            && (command.Key is null || existing.Purpose == command.Purpose)
            ? CommandResult<Booking>.Ok(existing with { Replayed = true })
            : command.Key is not null ? KeyTaken() : Checks.Exists("booking", existing.Id.ToString());

    private static Problem KeyTaken() => new(InternalCodes.IdempotencyKeyTaken, "The Idempotency-Key was used before with another request.");

    // The refusal, unless the request's id names a stored booking: then this is a retry (or a clash of ids).
    private async Task<CommandResult<Booking>> RefusalOrEarlierAsync(Actor actor, BookCommand command, CommandResult<Booking> refusal) =>
        command.BookingId is { } id && await FindBookingAsync(id) is { } existing ? SameRequest(existing, actor, command) : refusal;

    async Task<CommandResult<Booking>> IInstrumentGrain.CancelAsync(Actor actor, Guid bookingId, string? reason)
    {
        var booking = await FindBookingAsync(bookingId);
        if (booking is null)
        {
            return Checks.NotFound("booking", bookingId.ToString());
        }

        var manages = (await Rights.OfAsync(GrainFactory, actor)).Manages(LabId);
        if (booking.UserId != actor.UserId && !manages)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the booker, the lab's managers and administrators may cancel a booking.");
        }

        return await CancelOneAsync(actor, booking, reason, manages);
    }

    // Every cancellation, single or of a series, goes through the one rule of who may cancel when and what it costs.
    private async Task<CommandResult<Booking>> CancelOneAsync(Actor actor, Booking booking, string? reason, bool byManager)
    {
        var rules = _row?.Definition?.Rules ?? BookingRules.Default;
        var kind = Cancellation.Decide(byManager, Now(), booking.Interval, rules.CancelDeadlineHours);
        if (!kind.IsSuccess)
        {
            return CommandResult<Booking>.Fail(kind.Error);
        }

        return kind.Value == CancellationKind.Late
            ? await TransitionAsync(booking.Id, BookingStatus.Cancelled, LateReason(reason), actor: actor, lateCancellation: true)
            : await TransitionAsync(booking.Id, BookingStatus.Cancelled, reason, actor: actor);
    }

    async Task<CommandResult<Booking>> IInstrumentGrain.ApproveAsync(Actor actor, Guid bookingId) =>
        await RefuseUnlessManager(actor, "approve bookings") is { } refused
            ? refused
            : await TransitionAsync(bookingId, BookingStatus.Confirmed, null, actor: actor);

    async Task<CommandResult<Booking>> IInstrumentGrain.RejectAsync(Actor actor, Guid bookingId, string? reason) =>
        await RefuseUnlessManager(actor, "reject bookings") is { } refused
            ? refused
            : await TransitionAsync(bookingId, BookingStatus.Rejected, reason, actor: actor);

    Task<CommandResult<Booking>> IInstrumentGrain.CheckInAsync(Actor actor, Guid bookingId) =>
        TransitionAsync(bookingId, BookingStatus.CheckedIn, null, (booking, now) =>
            booking.UserId != actor.UserId ? new Problem(ErrorCodes.Forbidden, "Only the booker may check in.")
            : now < booking.Interval.Start - CheckInWindow || now >= booking.Interval.End
                ? new Problem(ErrorCodes.InvalidTransition, $"Check-in is open from {CheckInWindow.TotalMinutes:0} minutes before the start until the end.")
                : null,
            checkIn: true,
            actor: actor);

    Task<CommandResult<Booking>> IInstrumentGrain.CheckOutAsync(Actor actor, Guid bookingId) =>
        TransitionAsync(bookingId, BookingStatus.Completed, null, (booking, _) =>
            booking.UserId != actor.UserId ? new Problem(ErrorCodes.Forbidden, "Only the booker may check out.") : null,
            end: true,
            actor: actor);

    private async Task<CommandResult<Booking>> TransitionAsync(
        Guid bookingId, BookingStatus target, string? reason, Func<Booking, Instant, Problem?>? guard = null, bool checkIn = false, bool end = false,
        Actor? actor = null, bool lateCancellation = false)
    {
        // Two rounds at most: if the stored row moved on since we read it, read it again and decide anew.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var booking = await FindBookingAsync(bookingId);
            if (booking is null)
            {
                return Checks.NotFound("booking", bookingId.ToString());
            }

            var allowed = BookingLifecycle.Transition(booking.Status, target);
            if (!allowed.IsSuccess)
            {
                return CommandResult<Booking>.Fail(allowed.Error);
            }

            var now = Now();
            if (guard?.Invoke(booking, now) is { } refused)
            {
                return refused;
            }

            // A session that ends is over at its booked end at the latest.
            var endedAt = end ? IntervalMath.Min(now, booking.Interval.End) : (Instant?)null;
            var checkedInAt = checkIn ? now : (Instant?)null;
            var ledger = target is BookingStatus.Completed or BookingStatus.NoShow ? await LedgerEntryAsync(booking, target, endedAt, now)
                : lateCancellation ? await LedgerEntryAsync(booking, BookingStatus.NoShow, null, now, kind: "late-cancellation")
                : null;
            var outcome = await WriteAsync(() => store.UpdateStatusAsync(
                booking.Id, booking.Version, target, reason ?? booking.StatusReason, now, checkedInAt, endedAt,
                BookingNotices.ForTransition(booking, target, reason ?? booking.StatusReason, now), ledger,
                AuditOf(actor ?? Actor.System, "booking", booking.Id.ToString(), BookingLifecycle.ToWire(target), new { reason, ledger = ledger?.Amount })));
            if (outcome is null)
            {
                return UnknownOutcome();
            }

            if (outcome == WriteOutcome.Written)
            {
                var updated = booking with
                {
                    Status = target,
                    StatusReason = reason ?? booking.StatusReason,
                    UpdatedAt = now,
                    Version = booking.Version + 1,
                    CheckedInAt = checkedInAt ?? booking.CheckedInAt,
                    EndedAt = endedAt ?? booking.EndedAt,
                };
                if (BookingLifecycle.HoldsTime(target))
                {
                    Hold(updated);
                }
                else
                {
                    Release(updated.Id);
                    await OfferFreedTimeAsync();
                }

                return CommandResult<Booking>.Ok(updated);
            }

            // Stale: forget what memory holds of this booking and read the row again.
            Release(bookingId);
            if (await store.FindAsync(bookingId) is { } fresh && BookingLifecycle.HoldsTime(fresh.Status) && fresh.InstrumentId == Id)
            {
                Hold(fresh);
            }
        }

        return new Problem(ErrorCodes.BookingConflict, "The booking was changed by someone else at the same moment; try again.");
    }

    private async Task<Problem?> RefuseUnlessMayBook(Actor actor, string teamId, BookingRules rules)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        if (!access.BelongsTo(teamId) && !(access.IsAdmin && await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync() is not null))
        {
            return new Problem(ErrorCodes.NotTeamMember, $"User '{actor.UserId}' is not a member of team '{teamId}'.");
        }

        if (rules.RequiresAuthorization && !_authorized.Contains(actor.UserId))
        {
            return new Problem(ErrorCodes.NotAuthorizedOnInstrument, $"User '{actor.UserId}' has no training sign-off on '{Id}'.");
        }

        return null;
    }

    private static LabScheduler.Persistence.Audit.AuditEntry AuditOf(Actor actor, string entity, string id, string action, object details) =>
        new(actor.UserId, entity, id, action, System.Text.Json.JsonSerializer.Serialize(details));

    private static object Summary(Booking b) => new
    {
        instrumentId = b.InstrumentId, teamId = b.TeamId, userId = b.UserId, start = b.Interval.Start.ToString(), end = b.Interval.End.ToString(), b.Purpose,
    };

    private static string LateReason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "Late cancellation" : $"Late cancellation: {reason}";

    /// <summary>
    /// The rules every new booking passes once the calendar allowed its intervals, whichever path creates it
    /// (a booking, a series, a waitlist offer): the team's quota, its country's member-state share, and a seat.
    /// </summary>
    private async Task<CommandResult<Admitted>> AdmitAsync(
        Actor actor, string teamId, IReadOnlyList<Interval> intervals, string purpose, BookingRules rules, Instant now, Func<Booking, Booking>? shape = null)
    {
        if (await QuotaProblemAsync(teamId, intervals, rules) is { } overQuota)
        {
            return overQuota;
        }

        var teamState = await TeamStateAsync(teamId);
        var (shareProblem, warnings) = await ShareCheckAsync(teamState, intervals, rules);
        if (shareProblem is not null)
        {
            return shareProblem;
        }

        var unseated = intervals.Select(i => (shape ?? (b => b))(NewBooking(actor, teamId, i, purpose, rules, now) with { TeamState = teamState })).ToList();
        if (await SeatAsync(unseated, rules) is not { } seated)
        {
            await ReloadCalendarAsync(CancellationToken.None);
            return new Problem(ErrorCodes.BookingConflict, intervals.Count == 1
                ? "No seat is free for that time; nothing was booked."
                : "No seat is free for every occurrence; nothing was booked.");
        }

        return CommandResult<Admitted>.Ok(new Admitted(seated, warnings));
    }

    /// <summary>New bookings that passed every rule, seated, with the warnings of soft rules.</summary>
    private sealed record Admitted(IReadOnlyList<Booking> Bookings, IReadOnlyList<string> Warnings);

    private Booking NewBooking(Actor actor, string teamId, Interval interval, string purpose, BookingRules rules, Instant now) => new()
    {
        Id = Guid.CreateVersion7(),
        InstrumentId = Id,
        LabId = LabId,
        TeamId = teamId,
        UserId = actor.UserId,
        Status = rules.RequiresApproval ? BookingStatus.Pending : BookingStatus.Confirmed,
        Interval = interval,
        Purpose = purpose,
        CreatedAt = now,
        UpdatedAt = now,
        Exclusive = rules.Capacity == 1,
    };
}
