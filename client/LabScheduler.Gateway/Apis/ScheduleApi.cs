using LabScheduler.Contracts.Schedule;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Views;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>The web app's time views: many instruments' schedules at once, and one instrument's state now.</summary>
public static class ScheduleApi
{
    private static readonly Duration MaxWindow = Duration.FromDays(14);

    public sealed record ClosedView(string Start, string End, ZonedSpan Lab, ZonedSpan Requester, string Kind, string? Reason);

    public sealed record BusyView(
        string Start, string End, ZonedSpan Lab, ZonedSpan Requester, int? SeatsTaken,
        string? BookingId, string? Status, string? TeamId, string? UserId, string? Purpose, bool Mine);

    public sealed record ScheduleItemView(
        string InstrumentId, string LabId, string LabName, string Name, string Category, string Status, int Capacity, string TimeZone,
        IReadOnlyList<ClosedView> Closed, IReadOnlyList<BusyView> Busy, IReadOnlyList<IntervalView> Free);

    public sealed record ScheduleResponse(string From, string To, IReadOnlyList<ScheduleItemView> Items);

    public sealed record NowResponse(
        string InstrumentId, string Name, string LabId, string TimeZone, string Status, string State, string? Until,
        BookingResponse? Current, BookingResponse? Next);

    public static RouteGroupBuilder MapScheduleApi(this RouteGroupBuilder api)
    {
        api.MapGet("/schedule", Get).WithName("Schedule")
            .WithSummary("Closed, busy and free time of the instruments of a lab, a category or a list (at most 200, at most 14 days); booking details only where the caller may see the booking.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/instruments/{id}/now", Now).WithName("InstrumentNow")
            .WithSummary("Whether the instrument is free, busy or closed now and until when; the current and next bookings only for their booker and team.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> Get(
        string? labId, string? category, string? instrumentIds, string? from, string? to, string? tz, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        if (labId is not null && !ReferenceIds.IsValid(labId))
        {
            input.Fail("labId", "is not a lab id");
        }

        if (category is not null && !ReferenceIds.IsValid(category))
        {
            input.Fail("category", "is not a category");
        }

        string[]? ids = null;
        if (instrumentIds is not null)
        {
            ids = [.. instrumentIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];
            if (ids.Length == 0 || ids.Any(id => !ReferenceIds.IsValid(id)))
            {
                input.Fail("instrumentIds", "must be instrument ids separated by commas");
            }
            else if (ids.Length > IScheduleGrain.MaxInstruments)
            {
                input.Fail("instrumentIds", $"at most {IScheduleGrain.MaxInstruments}");
            }
        }

        if (labId is null && category is null && instrumentIds is null)
        {
            input.Fail("labId", "give at least one of labId, category, instrumentIds");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return (ProblemHttpResult)problem;
        }

        // Dates are read in the requester's zone: the instruments' labs may lie in several.
        var window = AvailabilityApi.Window(from, to, requester!, input);
        if (window is { } w && w.Duration > MaxWindow)
        {
            input.Fail("to", "at most 14 days after from");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var schedule = await grains.GetGrain<IScheduleGrain>(0).GetAsync(http.User.Actor(), new ScheduleQuery
        {
            LabId = labId, Category = category, InstrumentIds = ids, Window = window!.Value,
        });
        return CommandResults.Ok(schedule, items => new ScheduleResponse(
            Utc.Render(window.Value.Start), Utc.Render(window.Value.End), [.. items.Select(i => View(i, requester!))]));
    }

    private static async Task<Results<Ok<NowResponse>, ProblemHttpResult>> Now(string id, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (!ReferenceIds.IsValid(id))
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return (ProblemHttpResult)problem;
        }

        var now = await grains.GetGrain<IScheduleGrain>(0).NowAsync(http.User.Actor(), id);
        return CommandResults.Ok(now, n =>
        {
            var lab = LabTime.FindZone(n.Instrument.TimeZone).Value;
            return new NowResponse(
                n.Instrument.Id, n.Instrument.Definition.Name, n.Instrument.LabId, n.Instrument.TimeZone, Wire.Status(n.Instrument.Status), n.State,
                n.Until is { } until ? Utc.Render(until) : null,
                n.Current is { } current ? BookingResponse.Of(current, lab, requester!) : null,
                n.Next is { } next ? BookingResponse.Of(next, lab, requester!) : null);
        });
    }

    private static ScheduleItemView View(ScheduleItem item, DateTimeZone requester)
    {
        var i = item.Instrument;
        var lab = LabTime.FindZone(i.TimeZone).Value;
        return new ScheduleItemView(
            i.Id, i.LabId, item.LabName, i.Definition.Name, i.Definition.Category, Wire.Status(i.Status), i.Definition.Rules.Capacity, i.TimeZone,
            [.. item.Closed.Select(c =>
            {
                var span = IntervalView.Of(c.Interval, lab, requester);
                return new ClosedView(span.Start, span.End, span.Lab, span.Requester, c.Kind, c.Reason);
            })],
            [.. item.Busy.Select(b =>
            {
                var span = IntervalView.Of(b.Interval, lab, requester);
                return new BusyView(span.Start, span.End, span.Lab, span.Requester, b.SeatsTaken,
                    b.Details?.BookingId.ToString(), b.Details is { } d ? BookingLifecycle.ToWire(d.Status) : null,
                    b.Details?.TeamId, b.Details?.UserId, b.Details?.Purpose, b.Mine);
            })],
            [.. item.Free.Select(f => IntervalView.Of(f, lab, requester))]);
    }
}
