using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Accounting;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Recurrence;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <inheritdoc cref="IInstrumentGrain"/>
/// <remarks>
/// The single writer of its instrument's bookings: conflicts are answered from the in-memory
/// <see cref="BookingCalendar"/>, and every change is committed to the bookings table before
/// it is acknowledged. Should the database refuse a write that memory allowed (another
/// activation wrote first), the grain reloads its calendar and answers from the truth.
/// </remarks>
public sealed partial class InstrumentGrain(
    [PersistentState("instrument", StorageNames.Default)] IPersistentState<InstrumentState> state,
    BookingStore store,
    LabScheduler.Persistence.Waitlist.WaitlistStore waitlist,
    Auditor audit,
    IClock clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    // How far back an activation loads bookings that still hold time (ended but not yet completed).
    private static readonly Duration LoadBack = Duration.FromDays(1);

    // The ledger keeps hourly rates as numeric(18,4).
    private const decimal MaxRate = 1_000_000_000m;

    // Check-in opens this long before the start.
    private static readonly Duration CheckInWindow = Duration.FromMinutes(15);

    private readonly BookingCalendar _calendar = new();
    private readonly Dictionary<Guid, Booking> _holding = [];

    private string Id => this.GetPrimaryKeyString();

    // Whole milliseconds: what PostgreSQL stores is what the caller was told.
    private Instant Now() => Instant.FromUnixTimeMilliseconds(clock.GetCurrentInstant().ToUnixTimeMilliseconds());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists)
        {
            await ReloadCalendarAsync(cancellationToken);
            await LoadWaitlistAsync(cancellationToken);
            if (state.State.Definition is { } definition)
            {
                await EnsureLimitsAsync(definition.Rules);
            }
        }
    }

    async Task<CommandResult<InstrumentView>> IInstrumentGrain.InitializeAsync(InstrumentDefinition definition, LabPlacement lab)
    {
        if (state.State.Definition is not null)
        {
            return Checks.Exists("instrument", Id);
        }

        var problem = Checks.First(
            definition.Id == Id ? null : new Problem(ErrorCodes.Validation, "The definition's id is not the grain's."),
            Checks.Id(definition.Id, "id"),
            Checks.Id(lab.LabId, "labId"),
            Checks.Zone(lab.TimeZone),
            Validate(definition.Name, definition.Category, definition.Rates, definition.Rules),
            definition.Currency is { Length: 3 } c && c.All(char.IsAsciiLetterUpper) ? null : new Problem(ErrorCodes.Validation, "currency must be an ISO 4217 code."));
        if (problem is not null)
        {
            return problem;
        }

        state.State.Definition = definition;
        state.State.LabId = lab.LabId;
        state.State.TimeZone = lab.TimeZone;
        state.State.MemberState = lab.MemberState;
        state.State.PartnerStates = [.. lab.PartnerStates];
        await store.SetLimitsAsync(Id, definition.Rules.Capacity, definition.Rules.BufferMinutes, []);
        await state.WriteStateAsync();
        await ReportToCatalogAsync(definition);
        return CommandResult<InstrumentView>.Ok(View(definition));
    }

    Task<InstrumentView?> IInstrumentGrain.GetAsync() =>
        Task.FromResult(state.State.Definition is { } definition ? View(definition) : null);

    async Task<CommandResult<InstrumentView>> IInstrumentGrain.UpdateAsync(Actor actor, InstrumentPatch patch)
    {
        var problem = Validate(patch.Name, patch.Category, patch.Rates, patch.Rules, partial: true);
        if (problem is not null)
        {
            return problem;
        }

        if (patch.Rules is { } rules && state.State.Definition is { } current)
        {
            if (await RefuseUnlessManager(actor, "change instruments") is { } refused)
            {
                return refused;
            }

            if (await ChangeLimitsAsync(actor, current.Rules, rules, patch.CancelConflicting) is { } conflict)
            {
                return conflict;
            }
        }

        return await ChangeSettings(actor, "change instruments", () =>
        {
            var definition = state.State.Definition!;
            state.State.Definition = definition with
            {
                Name = patch.Name ?? definition.Name,
                Category = patch.Category ?? definition.Category,
                Rates = patch.Rates ?? definition.Rates,
                Rules = patch.Rules ?? definition.Rules,
            };
            state.State.Status = patch.Status ?? state.State.Status;
        },
        patch);
    }

    Task<CommandResult<InstrumentView>> IInstrumentGrain.SetOpeningHoursAsync(Actor actor, OpeningHours hours) =>
        ChangeSettings(actor, "set opening hours", () => state.State.OpeningHours = hours, hours);

    Task<CommandResult<InstrumentView>> IInstrumentGrain.SetAuthorizationAsync(Actor actor, string userId, bool authorized) =>
        Checks.Id(userId, "userId") is { } problem
            ? Task.FromResult<CommandResult<InstrumentView>>(problem)
            : ChangeSettings(actor, "record training sign-offs", () =>
            {
                state.State.AuthorizedUsers.Remove(userId);
                if (authorized)
                {
                    state.State.AuthorizedUsers.Add(userId);
                }
            },
            new { userId, authorized });

    async Task<CommandResult<int>> IInstrumentGrain.SetTeamQuotaAsync(Actor actor, string teamId, int minutesPerMonth)
    {
        if (await RefuseUnlessManager(actor, "set quotas on this instrument") is { } refused)
        {
            return refused;
        }

        var set = await GrainFactory.GetGrain<ITeamGrain>(teamId).SetQuotaAsync(Id, minutesPerMonth);
        if (!set.IsSuccess)
        {
            return set.Problem!;
        }

        state.State.Quotas[teamId] = minutesPerMonth;
        await state.WriteStateAsync();
        await audit.RecordAsync(actor, "instrument", Id, "set quota", new { teamId, minutesPerMonth });
        return CommandResult<int>.Ok(minutesPerMonth);
    }

    async Task<CommandResult<Blackout>> IInstrumentGrain.AddBlackoutAsync(Actor actor, Interval interval, string reason, bool cancelConflicting, Guid? blackoutId)
    {
        if (blackoutId is { } requested && state.State.Blackouts.FirstOrDefault(b => b.Id == requested) is { } existing)
        {
            if (existing.Interval != interval)
            {
                return Checks.Exists("blackout", requested.ToString());
            }

            // A retry: finish the cancellations the first attempt started (it may have stopped midway).
            return !cancelConflicting || await RefuseUnlessManager(actor, "black out this instrument") is not null
                ? CommandResult<Blackout>.Ok(existing)
                : await CancelUnderBlackoutAsync(actor, existing);
        }

        if (await RefuseUnlessManager(actor, "black out this instrument") is { } refused)
        {
            return refused;
        }

        if (interval.End <= interval.Start)
        {
            return new Problem(ErrorCodes.Validation, "The end must be after the start.");
        }

        var hit = _calendar.Overlapping(interval).Where(e => _holding.ContainsKey(e.Id)).Select(e => _holding[e.Id]).ToList();

        // A session in progress (checked in) cannot be cancelled: such a blackout is refused whatever the flag says,
        // before anything is written.
        var inProgress = hit.Where(b => b.Status == BookingStatus.CheckedIn).ToList();
        if (inProgress.Count > 0)
        {
            return new Problem(ErrorCodes.BlackoutConflict, $"The blackout would hit {inProgress.Count} session(s) in progress; start it after they end.")
            {
                Items = [.. inProgress.Select(b => b.Id.ToString())],
            };
        }

        if (hit.Count > 0 && !cancelConflicting)
        {
            return new Problem(ErrorCodes.BlackoutConflict, $"The blackout would hit {hit.Count} booking(s); set cancelConflicting to cancel them.")
            {
                Items = [.. hit.Select(b => b.Id.ToString())],
            };
        }

        // The blackout is in force before the bookings it hits are cancelled, so freed time is not offered inside it.
        var blackout = new Blackout(blackoutId ?? Guid.CreateVersion7(), interval, reason);
        state.State.Blackouts.Add(blackout);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not in force: memory stays as storage is.
            state.State.Blackouts.Remove(blackout);
            throw;
        }

        await ReportToCatalogAsync(state.State.Definition!);
        await audit.RecordAsync(actor, "instrument", Id, "blackout", new { blackout.Id, start = interval.Start.ToString(), end = interval.End.ToString(), reason });
        LogBlackout(logger, Id, interval.Start, interval.End, hit.Count);
        return await CancelUnderBlackoutAsync(actor, blackout);
    }

    // Cancels the bookings a stored blackout hits that still hold time (all of them, or those a first attempt left).
    private async Task<CommandResult<Blackout>> CancelUnderBlackoutAsync(Actor actor, Blackout blackout)
    {
        var hit = _calendar.Overlapping(blackout.Interval)
            .Where(e => _holding.TryGetValue(e.Id, out var b) && b.Status != BookingStatus.CheckedIn)
            .Select(e => _holding[e.Id]).ToList();
        foreach (var booking in hit)
        {
            var cancelled = await TransitionAsync(booking.Id, BookingStatus.Cancelled, $"Blackout: {blackout.Reason}", actor: actor);
            if (!cancelled.IsSuccess)
            {
                return cancelled.Problem!;
            }
        }

        return CommandResult<Blackout>.Ok(blackout);
    }

    async Task<CommandResult<Booking>> IInstrumentGrain.BookAsync(Actor actor, BookCommand command)
    {
        if (state.State.Definition is not { } definition)
        {
            return Checks.NotFound("instrument", Id);
        }

        if (command.BookingId is { } requestedId && await FindBookingAsync(requestedId) is { } existing)
        {
            // A retry of the same request gets the same booking; another request with that id does not.
            return existing.TeamId == command.TeamId && existing.UserId == actor.UserId && existing.Interval == command.Interval
                ? CommandResult<Booking>.Ok(existing)
                : Checks.Exists("booking", requestedId.ToString());
        }

        if (await RefuseUnlessMayBook(actor, command.TeamId, definition.Rules) is { } refused)
        {
            return refused;
        }

        var now = Now();
        var check = BookingPolicy.Check(command.Interval, now, Schedule(definition), _calendar);
        if (!check.IsSuccess)
        {
            return CommandResult<Booking>.Fail(check.Error);
        }

        if (await QuotaProblemAsync(command.TeamId, [command.Interval], definition.Rules) is { } overQuota)
        {
            return overQuota;
        }

        var teamState = await TeamStateAsync(command.TeamId);
        var (shareProblem, warnings) = await ShareCheckAsync(teamState, [command.Interval], definition.Rules);
        if (shareProblem is not null)
        {
            return shareProblem;
        }

        var booking = NewBooking(actor, command.TeamId, command.Interval, command.Purpose, definition.Rules, now) with
        {
            Id = command.BookingId ?? Guid.CreateVersion7(),
            TeamState = teamState,
        };
        if (await SeatAsync([booking], definition.Rules) is not [var seated])
        {
            await ReloadCalendarAsync(CancellationToken.None);
            return new Problem(ErrorCodes.BookingConflict, "No seat is free for that time.");
        }

        booking = seated;
        switch (await WriteAsync(() => store.InsertAsync(booking, BookingNotices.ForNew(booking, now), [AuditOf(actor, "booking", booking.Id.ToString(), BookingLifecycle.ToWire(booking.Status), Summary(booking))])))
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
                await ReloadCalendarAsync(CancellationToken.None);
                return new Problem(ErrorCodes.BookingConflict, "Another booking of this time was stored a moment ago.");
            default:
                return Checks.Exists("booking", booking.Id.ToString());
        }
    }

    async Task<CommandResult<Booking>> IInstrumentGrain.CancelAsync(Actor actor, Guid bookingId, string? reason)
    {
        var booking = await FindBookingAsync(bookingId);
        if (booking is null)
        {
            return Checks.NotFound("booking", bookingId.ToString());
        }

        var manages = (await Rights.OfAsync(GrainFactory, actor)).Manages(state.State.LabId);
        if (booking.UserId != actor.UserId && !manages)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the booker, the lab's managers and administrators may cancel a booking.");
        }

        return await CancelOneAsync(actor, booking, reason, manages);
    }

    // Every cancellation, single or of a series, goes through the one rule of who may cancel when and what it costs.
    private async Task<CommandResult<Booking>> CancelOneAsync(Actor actor, Booking booking, string? reason, bool byManager)
    {
        var rules = state.State.Definition?.Rules ?? BookingRules.Default;
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

    async Task<CommandResult<Series>> IInstrumentGrain.BookSeriesAsync(Actor actor, SeriesCommand command)
    {
        if (state.State.Definition is not { } definition)
        {
            return Checks.NotFound("instrument", Id);
        }

        var seriesId = command.SeriesId ?? Guid.CreateVersion7();
        if (command.SeriesId is not null && await store.FindSeriesAsync(seriesId) is { Count: > 0 } existing)
        {
            // A retry of the same request gets the same series; another request with that id does not.
            return existing[0].InstrumentId == Id && existing[0].TeamId == command.TeamId && existing[0].UserId == actor.UserId && existing[0].Interval == command.First
                ? CommandResult<Series>.Ok(new Series(seriesId, existing))
                : Checks.Exists("series", seriesId.ToString());
        }

        var rule = RecurrenceRule.Parse(command.Recurrence);
        if (!rule.IsSuccess)
        {
            return CommandResult<Series>.Fail(rule.Error);
        }

        if (await RefuseUnlessMayBook(actor, command.TeamId, definition.Rules) is { } refused)
        {
            return refused;
        }

        var zone = LabTime.FindZone(state.State.TimeZone).Value;
        var occurrences = SeriesExpansion.Expand(command.First, rule.Value, zone);
        if (occurrences.Count == 0)
        {
            return new Problem(ErrorCodes.Validation, "The recurrence yields no occurrence from the first one on.");
        }

        var now = Now();
        var schedule = Schedule(definition);

        // Each occurrence is checked against the calendar and the occurrences before it; the trial
        // entries leave the calendar again whatever the outcome, so memory only changes after the commit.
        var failures = new List<(Interval Interval, Error Error)>();
        var trial = new List<Guid>();
        try
        {
            foreach (var occurrence in occurrences)
            {
                var check = BookingPolicy.Check(occurrence, now, schedule, _calendar);
                if (!check.IsSuccess)
                {
                    failures.Add((occurrence, check.Error));
                    continue;
                }

                var id = Guid.CreateVersion7();
                trial.Add(id);
                _calendar.Add(id, occurrence);
            }
        }
        finally
        {
            foreach (var id in trial)
            {
                _calendar.Remove(id);
            }
        }

        if (failures.Count > 0)
        {
            var allConflicts = failures.All(f => f.Error.Code == ErrorCodes.BookingConflict);
            var first = allConflicts ? failures[0].Error : failures.First(f => f.Error.Code != ErrorCodes.BookingConflict).Error;
            return new Problem(first.Code, $"{failures.Count} of {occurrences.Count} occurrences cannot be booked; nothing was booked. First: {first.Detail}")
            {
                Items = [.. failures.Select(f => $"{f.Interval.Start:uuuu-MM-dd'T'HH:mm:ss'Z'}/{f.Interval.End:uuuu-MM-dd'T'HH:mm:ss'Z'} {f.Error.Code}")],
            };
        }

        if (await QuotaProblemAsync(command.TeamId, occurrences, definition.Rules) is { } overQuota)
        {
            return overQuota;
        }

        var teamState = await TeamStateAsync(command.TeamId);
        var (shareProblem, _) = await ShareCheckAsync(teamState, occurrences, definition.Rules);
        if (shareProblem is not null)
        {
            return shareProblem;
        }

        var unseated = occurrences.Select(o => NewBooking(actor, command.TeamId, o, command.Purpose, definition.Rules, now) with { SeriesId = seriesId, TeamState = teamState }).ToList();
        if (await SeatAsync(unseated, definition.Rules) is not { } seatedSeries)
        {
            await ReloadCalendarAsync(CancellationToken.None);
            return new Problem(ErrorCodes.BookingConflict, "No seat is free for every occurrence; nothing was booked.");
        }

        var bookings = seatedSeries.ToList();
        var seriesAudit = AuditOf(actor, "series", seriesId.ToString(), "booked", new { instrumentId = Id, command.TeamId, command.Recurrence, occurrences = bookings.Count });
        switch (await WriteAsync(() => store.InsertAllAsync(bookings, [.. bookings.SelectMany(b => BookingNotices.ForNew(b, now))], [seriesAudit])))
        {
            case null:
                return UnknownOutcome();
            case WriteOutcome.Written:
                bookings.ForEach(Hold);
                return CommandResult<Series>.Ok(new Series(seriesId, bookings));
            case WriteOutcome.Overlap:
                await ReloadCalendarAsync(CancellationToken.None);
                return new Problem(ErrorCodes.BookingConflict, "Another booking of this time was stored a moment ago; nothing was booked.");
            default:
                return Checks.Exists("series", seriesId.ToString());
        }
    }

    async Task<CommandResult<Series>> IInstrumentGrain.CancelSeriesAsync(Actor actor, Guid seriesId, string? reason)
    {
        var members = (await store.FindSeriesAsync(seriesId)).Where(b => b.InstrumentId == Id).ToList();
        if (members.Count == 0)
        {
            return Checks.NotFound("series", seriesId.ToString());
        }

        var manages = (await Rights.OfAsync(GrainFactory, actor)).Manages(state.State.LabId);
        if (members[0].UserId != actor.UserId && !manages)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the booker, the lab's managers and administrators may cancel a series.");
        }

        var now = Now();
        var result = new List<Booking>();
        foreach (var booking in members)
        {
            if (booking.Interval.Start > now && BookingLifecycle.HoldsTime(booking.Status))
            {
                var cancelled = await CancelOneAsync(actor, booking, reason, manages);
                result.Add(cancelled.IsSuccess ? cancelled.Value! : booking);
            }
            else
            {
                result.Add(_holding.GetValueOrDefault(booking.Id, booking));
            }
        }

        return CommandResult<Series>.Ok(new Series(seriesId, result));
    }

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

    async Task<int> IInstrumentGrain.SweepAsync()
    {
        if (state.State.Definition is not { } definition)
        {
            return 0;
        }

        var now = Now();
        var noShowAfter = Duration.FromMinutes(definition.Rules.NoShowMinutes);
        var changed = 0;
        // From the table, not only from memory: bookings that ended long before this activation are due too.
        foreach (var booking in await store.StartedHoldingTimeAsync(Id, now))
        {
            if (DueTransition(booking, now, noShowAfter) is not { } due)
            {
                continue;
            }

            try
            {
                if ((await TransitionAsync(booking.Id, due.Target, due.Reason, end: due.Target == BookingStatus.Completed)).IsSuccess)
                {
                    changed++;
                    LogSwept(logger, Id, booking.Id, BookingLifecycle.ToWire(due.Target));
                }
            }
            catch (Npgsql.PostgresException e)
            {
                // One row that cannot be written must not hold up the others; it is tried again next run.
                LogSweepFailed(logger, e, Id, booking.Id);
            }
        }

        return changed + await SweepWaitlistAsync(now);
    }

    /// <summary>What time has made due for a booking at <paramref name="now"/>, if anything.</summary>
    private static (BookingStatus Target, string? Reason)? DueTransition(Booking booking, Instant now, Duration noShowAfter) => booking.Status switch
    {
        BookingStatus.Pending when now >= booking.Interval.Start => (BookingStatus.Expired, "Not decided before its start."),
        BookingStatus.Confirmed when now >= IntervalMath.Min(booking.Interval.Start + noShowAfter, booking.Interval.End) =>
            (BookingStatus.NoShow, $"Not checked in within {noShowAfter.TotalMinutes:0} minutes of the start."),
        BookingStatus.CheckedIn when now >= booking.Interval.End => (BookingStatus.Completed, null),
        _ => null,
    };

    Task<Booking?> IInstrumentGrain.GetBookingAsync(Guid bookingId) => FindBookingAsync(bookingId);

    Task<IReadOnlyList<Booking>> IInstrumentGrain.GetCalendarAsync(Interval window) =>
        Task.FromResult<IReadOnlyList<Booking>>([.. _calendar.Overlapping(window).Where(e => _holding.ContainsKey(e.Id)).Select(e => _holding[e.Id])]);

    Task<IReadOnlyList<Interval>> IInstrumentGrain.GetFreeAsync(Interval window)
    {
        if (state.State.Definition is not { } definition)
        {
            return Task.FromResult<IReadOnlyList<Interval>>([]);
        }

        // Nothing before now can be booked.
        var now = Now();
        var from = IntervalMath.Max(window.Start, now);
        return Task.FromResult(from >= window.End ? [] : FreeTime.Compute(new Interval(from, window.End), Schedule(definition), _calendar));
    }

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

    private async Task<Booking?> FindBookingAsync(Guid bookingId)
    {
        if (_holding.TryGetValue(bookingId, out var held))
        {
            return held;
        }

        var stored = await store.FindAsync(bookingId);
        return stored?.InstrumentId == Id ? stored : null;
    }

    private async Task ReloadCalendarAsync(CancellationToken cancellationToken)
    {
        var rows = await store.LoadHoldingTimeAsync(Id, Now() - LoadBack, cancellationToken);
        foreach (var entry in _calendar.Entries.ToList())
        {
            Release(entry.Id);
        }

        foreach (var row in rows)
        {
            Hold(row);
        }

        foreach (var offer in _waitlist.Where(w => w.Status == LabScheduler.Contracts.Waitlist.WaitlistStatus.Offered))
        {
            _calendar.Add(offer.Id, offer.Interval);
        }
    }

    private void Hold(Booking booking)
    {
        _holding[booking.Id] = booking;
        _calendar.Add(booking.Id, booking.Interval);
    }

    private void Release(Guid bookingId)
    {
        _holding.Remove(bookingId);
        _calendar.Remove(bookingId);
    }

    private async Task<Problem?> RefuseUnlessMayBook(Actor actor, string teamId, BookingRules rules)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        if (!access.BelongsTo(teamId) && !(access.IsAdmin && await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync() is not null))
        {
            return new Problem(ErrorCodes.NotTeamMember, $"User '{actor.UserId}' is not a member of team '{teamId}'.");
        }

        if (rules.RequiresAuthorization && !state.State.AuthorizedUsers.Contains(actor.UserId))
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

    private async Task<string> TeamStateAsync(string teamId) =>
        (await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync())?.Profile.MemberState ?? "";

    /// <summary>
    /// Member-state shares: hard shares refuse what would pass the team's state's share of a month
    /// (share.exceeded); soft ones let it through with a warning.
    /// </summary>
    private async Task<(Problem? Problem, IReadOnlyList<string> Warnings)> ShareCheckAsync(string teamState, IReadOnlyList<Interval> intervals, BookingRules rules)
    {
        if (rules.Shares.Count == 0)
        {
            return (null, []);
        }

        var key = Shares.KeyFor(rules, teamState);
        var zone = LabTime.FindZone(state.State.TimeZone).Value;
        var warnings = new List<string>();
        foreach (var month in intervals.GroupBy(i => Charging.MonthOf(i.Start, zone)))
        {
            var uses = await ShareUsesAsync(month.Key, rules, zone);
            var use = uses.FirstOrDefault(u => u.Key == key) ?? new ShareUse(teamState, 0, 0, 0, 0);
            var asked = (long)month.Sum(i => i.Duration.TotalMinutes);
            if (use.BookedMinutes + asked > use.EntitledMinutes)
            {
                var detail = $"Teams from {teamState} have a {use.Percent}% share of '{Id}' in {month.Key:uuuu-MM}: {use.EntitledMinutes} minutes, "
                    + $"{use.BookedMinutes} booked, {asked} more asked.";
                if (rules.SharesHard)
                {
                    return (new Problem("share.exceeded", detail), []);
                }

                warnings.Add($"share.exceeded: {detail}");
            }
        }

        return (null, warnings);
    }

    /// <summary>Entitled, booked and used minutes of every share in a month.</summary>
    private async Task<IReadOnlyList<ShareUse>> ShareUsesAsync(LocalDate month, BookingRules rules, DateTimeZone zone)
    {
        var span = new Interval(zone.AtStartOfDay(month).ToInstant(), zone.AtStartOfDay(month.PlusMonths(1)).ToInstant());
        var open = (long)IntervalMath.Subtract(
                IntervalMath.Normalize(state.State.OpeningHours.OpenIntervals(span, zone)),
                IntervalMath.Normalize(state.State.Blackouts.Select(b => b.Interval)))
            .Sum(i => i.Duration.TotalMinutes);
        var byState = await store.MinutesByStateAsync(Id, span);
        return [.. rules.Shares.OrderBy(s => s.Key == Shares.Others).ThenBy(s => s.Key, StringComparer.Ordinal).Select(share =>
        {
            var counted = byState.Where(b => Shares.KeyFor(rules, b.Key) == share.Key).ToList();
            return new ShareUse(share.Key, share.Value, Shares.Entitled(rules, share.Key, open), counted.Sum(c => c.Value.Booked), counted.Sum(c => c.Value.Used));
        })];
    }

    async Task<CommandResult<IReadOnlyList<ShareUse>>> IInstrumentGrain.GetSharesAsync(Actor actor, LocalDate month)
    {
        if (await RefuseUnlessManager(actor, "read member-state shares") is { } refused)
        {
            return refused;
        }

        return CommandResult<IReadOnlyList<ShareUse>>.Ok(
            await ShareUsesAsync(month, state.State.Definition!.Rules, LabTime.FindZone(state.State.TimeZone).Value));
    }

    /// <summary>quota.exceeded when the team's minutes on this instrument in any month touched would pass its quota.</summary>
    private async Task<Problem?> QuotaProblemAsync(string teamId, IReadOnlyList<Interval> intervals, BookingRules rules)
    {
        if (!state.State.Quotas.TryGetValue(teamId, out var quota))
        {
            return null;
        }

        var zone = LabTime.FindZone(state.State.TimeZone).Value;
        foreach (var month in intervals.GroupBy(i => Charging.MonthOf(i.Start, zone)))
        {
            var span = new Interval(zone.AtStartOfDay(month.Key).ToInstant(), zone.AtStartOfDay(month.Key.PlusMonths(1)).ToInstant());
            var used = await store.TeamMinutesAsync(teamId, Id, span, rules.ChargeNoShow);
            var asked = (int)month.Sum(i => i.Duration.TotalMinutes);
            if (used + asked > quota)
            {
                return new Problem(ErrorCodes.QuotaExceeded,
                    $"Team '{teamId}' has {quota} minutes a month on '{Id}'; {used} are used in {month.Key:uuuu-MM} and this asks for {asked} more.");
            }
        }

        return null;
    }

    /// <summary>The ledger row a completion or no-show writes, at the team's tariff; null when the policy charges nothing.</summary>
    private async Task<LedgerEntry?> LedgerEntryAsync(Booking booking, BookingStatus target, Instant? endedAt, Instant now, string? kind = null)
    {
        var definition = state.State.Definition!;
        // The tariff is the one of the team's country when it booked (as shares count it), not of today's.
        var teamState = booking.TeamState is { Length: > 0 } stored ? stored
            : (await GrainFactory.GetGrain<ITeamGrain>(booking.TeamId).GetAsync())?.Profile.MemberState ?? "";
        var tariff = Charging.TariffFor(teamState, state.State.MemberState, state.State.PartnerStates);
        var rate = tariff switch
        {
            Tariff.Internal => definition.Rates.Internal,
            Tariff.Partner => definition.Rates.Partner,
            _ => definition.Rates.External,
        };
        Interval? actual = target == BookingStatus.Completed && endedAt is { } end
            ? new Interval(IntervalMath.Min(IntervalMath.Max(booking.CheckedInAt ?? booking.Interval.Start, booking.Interval.Start), end), end)
            : null;
        var charge = Charging.For(booking.Interval, actual, target == BookingStatus.NoShow, definition.Rules.Charging, tariff, rate, LabTime.FindZone(state.State.TimeZone).Value);
        return charge is null ? null : new LedgerEntry
        {
            Id = Guid.CreateVersion7(),
            BookingId = booking.Id,
            Kind = kind ?? (target == BookingStatus.NoShow ? "no-show" : "usage"),
            TeamId = booking.TeamId,
            TeamState = teamState,
            InstrumentId = Id,
            LabId = state.State.LabId,
            LabState = state.State.MemberState,
            Tariff = tariff.ToString().ToLowerInvariant(),
            BookedMinutes = charge.BookedMinutes,
            ActualMinutes = charge.ActualMinutes,
            ChargedMinutes = charge.ChargedMinutes,
            HourlyRate = charge.HourlyRate,
            Amount = charge.Amount,
            Currency = definition.Currency,
            Month = charge.Month,
            CreatedAt = now,
        };
    }

    private static string LateReason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "Late cancellation" : $"Late cancellation: {reason}";

    private Booking NewBooking(Actor actor, string teamId, Interval interval, string purpose, BookingRules rules, Instant now) => new()
    {
        Id = Guid.CreateVersion7(),
        InstrumentId = Id,
        LabId = state.State.LabId,
        TeamId = teamId,
        UserId = actor.UserId,
        Status = rules.RequiresApproval ? BookingStatus.Pending : BookingStatus.Confirmed,
        Interval = interval,
        Purpose = purpose,
        CreatedAt = now,
        UpdatedAt = now,
        Exclusive = rules.Capacity == 1,
    };

    private async Task<Problem?> RefuseUnlessManager(Actor actor, string what)
    {
        if (state.State.Definition is null)
        {
            return Checks.NotFound("instrument", Id);
        }

        return (await Rights.OfAsync(GrainFactory, actor)).Manages(state.State.LabId) ? null : Rights.ManagersOnly(state.State.LabId, what);
    }

    private async Task<CommandResult<InstrumentView>> ChangeSettings(Actor actor, string what, Action change, object? details = null)
    {
        if (await RefuseUnlessManager(actor, what) is { } refused)
        {
            return refused;
        }

        change();
        await state.WriteStateAsync();
        await ReportToCatalogAsync(state.State.Definition!);
        await audit.RecordAsync(actor, "instrument", Id, what, details);
        return CommandResult<InstrumentView>.Ok(View(state.State.Definition!));
    }

    // The catalog keeps what slot search needs, so a search never activates instruments.
    private Task ReportToCatalogAsync(InstrumentDefinition definition) =>
        GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).UpsertInstrumentAsync(new InstrumentEntry
        {
            Id = Id,
            LabId = state.State.LabId,
            Category = definition.Category,
            MemberState = state.State.MemberState,
            Status = state.State.Status,
            TimeZone = state.State.TimeZone,
            Rules = definition.Rules,
            OpeningHours = state.State.OpeningHours,
            Blackouts = [.. state.State.Blackouts.Select(b => b.Interval)],
            AuthorizedUsers = [.. state.State.AuthorizedUsers],
        });

    private static Problem? Validate(string? name, string? category, Rates? rates, BookingRules? rules, bool partial = false)
    {
        var ruleErrors = rules?.Validate() ?? new Dictionary<string, string>();
        return Checks.First(
            partial && name is null ? null : Checks.Text(name, "name"),
            partial && category is null ? null : Checks.Category(category),
            rates is null ? (partial ? null : new Problem(ErrorCodes.Validation, "rates are required.")) :
                rates is { Internal: >= 0 and <= MaxRate, Partner: >= 0 and <= MaxRate, External: >= 0 and <= MaxRate }
                    ? null : new Problem(ErrorCodes.Validation, $"rates must be 0 to {MaxRate:0} an hour."),
            ruleErrors.Count == 0 ? null : new Problem(ErrorCodes.Validation, string.Join("; ", ruleErrors.Select(e => $"{e.Key} {e.Value}"))));
    }

    private InstrumentSchedule Schedule(InstrumentDefinition definition) => new(
        LabTime.FindZone(state.State.TimeZone).Value,
        definition.Rules,
        state.State.OpeningHours,
        [.. state.State.Blackouts.Select(b => b.Interval)],
        state.State.Status == InstrumentStatus.Active);

    private InstrumentView View(InstrumentDefinition definition) => new()
    {
        Definition = definition,
        LabId = state.State.LabId,
        TimeZone = state.State.TimeZone,
        MemberState = state.State.MemberState,
        Status = state.State.Status,
        OpeningHours = state.State.OpeningHours,
        Blackouts = [.. state.State.Blackouts],
        AuthorizedUsers = [.. state.State.AuthorizedUsers],
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instrument {InstrumentId} booked {BookingId} from {Start} to {End}")]
    private static partial void LogBooked(ILogger logger, string instrumentId, Guid bookingId, Instant start, Instant end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {InstrumentId}: the database refused an overlap memory allowed ({Start} to {End}); reloading the calendar")]
    private static partial void LogRefusedByDatabase(ILogger logger, string instrumentId, Instant start, Instant end);

    [LoggerMessage(Level = LogLevel.Error, Message = "Instrument {InstrumentId}: booking {BookingId} could not be moved on by the sweep")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string instrumentId, Guid bookingId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {InstrumentId}: booking {BookingId} became {Status} as time passed")]
    private static partial void LogSwept(ILogger logger, string instrumentId, Guid bookingId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {InstrumentId} blacked out {Start} to {End}, cancelling {Cancelled} booking(s)")]
    private static partial void LogBlackout(ILogger logger, string instrumentId, Instant start, Instant end, int cancelled);
}
