using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Recurrence;
using LabScheduler.Domain.Time;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Bookings;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Series: a recurrence is expanded in the lab's zone and booked all or nothing, in one transaction.
/// </remarks>
public sealed partial class InstrumentGrain
{
    async Task<CommandResult<Series>> IInstrumentGrain.BookSeriesAsync(Actor actor, SeriesCommand command)
    {
        if (_row?.Definition is not { } definition)
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

        var zone = Zone;
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

        var admitted = await AdmitAsync(actor, command.TeamId, occurrences, command.Purpose, definition.Rules, now, b => b with { SeriesId = seriesId });
        if (!admitted.IsSuccess)
        {
            return admitted.Problem!;
        }

        var bookings = admitted.Value!.Bookings.ToList();
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

        var manages = (await Rights.OfAsync(GrainFactory, actor)).Manages(LabId);
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
}
