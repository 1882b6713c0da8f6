using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Accounting;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// History: bookings that are over, recorded with the ledger rows their outcomes charge, as the
/// sweep and check-out would have written them. Such rows hold no time, so the calendar in memory
/// is not touched: each must have ended before the window an activation loads.
/// </remarks>
public sealed partial class InstrumentGrain
{
    private const int MaxHistoryBatch = 5_000;

    async Task<CommandResult<int>> IInstrumentGrain.ImportHistoryAsync(Actor actor, IReadOnlyList<Booking> past)
    {
        if (!actor.IsSystem)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the system records history.");
        }

        if (_row is null)
        {
            return Checks.NotFound("instrument", Id);
        }

        var now = Now();
        if (HistoryProblem(past, now) is { } invalid)
        {
            return invalid;
        }

        var teamStates = new Dictionary<string, string>();
        foreach (var teamId in past.Select(b => b.TeamId).Distinct())
        {
            if (await GrainFactory.GetGrain<ITeamGrain>(teamId).GetAsync() is not { } team)
            {
                return Checks.NotFound("team", teamId);
            }

            teamStates[teamId] = team.Profile.MemberState;
        }

        var bookings = new List<Booking>(past.Count);
        var ledger = new List<LedgerEntry>();
        foreach (var booking in past)
        {
            var stored = booking with
            {
                LabId = LabId,
                TeamState = teamStates[booking.TeamId],
                Exclusive = _row.Definition.Rules.Capacity == 1,
                Version = 1,
                Seat = 0,
                SeriesId = null,
            };
            bookings.Add(stored);
            if (stored.Status is BookingStatus.Completed or BookingStatus.NoShow
                && await LedgerEntryAsync(stored, stored.Status, stored.EndedAt, now) is { } entry)
            {
                ledger.Add(entry);
            }
        }

        var audit = AuditOf(actor, "instrument", Id, "import-history", new
        {
            bookings = 0,
            from = past.Min(b => b.Interval.Start).ToString(),
            to = past.Max(b => b.Interval.End).ToString(),
        });
        var written = await store.InsertHistoryAsync(bookings, ledger, audit, now);
        return CommandResult<int>.Ok(written);
    }

    private Problem? HistoryProblem(IReadOnlyList<Booking> past, NodaTime.Instant now)
    {
        if (past.Count is 0 or > MaxHistoryBatch)
        {
            return new Problem(ErrorCodes.Validation, $"History comes in batches of 1 to {MaxHistoryBatch} bookings.");
        }

        if (past.Select(b => b.Id).Distinct().Count() != past.Count)
        {
            return new Problem(ErrorCodes.Validation, "Each booking of a history batch needs its own id.");
        }

        foreach (var b in past)
        {
            var problem = b switch
            {
                _ when b.InstrumentId != Id => $"belongs to '{b.InstrumentId}', not '{Id}'",
                _ when b.Status is not (BookingStatus.Completed or BookingStatus.NoShow or BookingStatus.Cancelled) =>
                    $"is {BookingLifecycle.ToWire(b.Status)}; history is completed, no-show or cancelled bookings",
                _ when b.Interval.End > now - LoadBack => "has not been over for a day yet",
                _ when b.CreatedAt > b.Interval.Start || b.UpdatedAt < b.CreatedAt => "was created after its start, or changed before it was created",
                _ when b.Status == BookingStatus.Completed
                       && (b.CheckedInAt is not { } checkedIn || b.EndedAt is not { } ended || ended <= checkedIn
                           || checkedIn < b.Interval.Start - CheckInWindow || ended > b.Interval.End) =>
                    "is completed without a check-in and an end within the booking",
                _ when b.Status != BookingStatus.Completed && (b.CheckedInAt is not null || b.EndedAt is not null) =>
                    "was never used but has a check-in or an end",
                _ when Checks.Id(b.TeamId, "teamId") is not null || string.IsNullOrEmpty(b.UserId) => "names no valid team or user",
                _ when b.Purpose.Length > 500 => "has a purpose longer than 500 characters",
                _ => null,
            };
            if (problem is not null)
            {
                return new Problem(ErrorCodes.Validation, $"Booking {b.Id} {problem}.");
            }
        }

        // What held time then never held more than the instrument's capacity at once.
        var capacity = _row!.Definition.Rules.Capacity;
        var edges = past.Where(b => b.Status != BookingStatus.Cancelled)
            .SelectMany(b => new[] { (At: b.Interval.Start, Step: 1), (At: b.Interval.End, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        var running = 0;
        foreach (var (at, step) in edges)
        {
            running += step;
            if (running > capacity)
            {
                return new Problem(ErrorCodes.Validation, $"More than {capacity} booking(s) of the history overlap at {at}.");
            }
        }

        return null;
    }
}
