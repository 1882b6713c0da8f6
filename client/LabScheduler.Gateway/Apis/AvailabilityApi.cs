using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>Opening hours, blackouts and free time of an instrument.</summary>
public static class AvailabilityApi
{
    // Longest window one free-time query may span.
    private static readonly Duration MaxFreeWindow = Duration.FromDays(92);

    public sealed record WeeklyRequest(string? Day, string? From, string? To);

    public sealed record OpeningHoursRequest(WeeklyRequest[]? Weekly, string[]? ClosedDates);

    public sealed record BlackoutRequest(string? Start, string? End, string? Reason, bool? CancelConflicting);

    public static RouteGroupBuilder MapAvailabilityApi(this RouteGroupBuilder api)
    {
        api.MapPut("/instruments/{id}/opening-hours", SetOpeningHours).WithName("SetOpeningHours").Produces<OpeningHoursResponse>()
            .WithSummary("Weekly hours and closed dates in the lab's local time (managers, admin).");
        api.MapGet("/instruments/{id}/opening-hours", GetOpeningHours).WithName("GetOpeningHours").Produces<OpeningHoursResponse>().WithSummary("The instrument's opening hours.");
        api.MapGet("/instruments/{id}/blackouts/{blackoutId}", GetBlackout).WithName("GetBlackout").Produces<BlackoutResponse>()
            .WithSummary("One blackout of the instrument: where a new blackout's Location points.");
        api.MapGet("/instruments/{id}/blackouts", ListBlackouts).WithName("ListBlackouts").Produces<Page<BlackoutResponse>>().WithSummary("Blackouts not yet ended.");
        api.MapPost("/instruments/{id}/blackouts", AddBlackout).WithMetadata(new IdempotentAttribute()).WithName("AddBlackout").Produces<BlackoutResponse>(StatusCodes.Status201Created)
            .WithSummary("Blacks out a period; 409 blackout.conflict listing hit bookings unless cancelConflicting (managers, admin).");
        api.MapGet("/instruments/{id}/free", Free).WithName("FreeTime").Produces<FreeResponse>()
            .WithSummary("Open, not blacked out, not booked intervals (buffers counted; with seats, at least one free).");
        return api;
    }

    private static async Task<IResult> SetOpeningHours(string id, OpeningHoursRequest? request, HttpContext http, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is null)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var input = new Input();
        if (request?.Weekly is null)
        {
            input.Fail("weekly", "is required (an empty list closes the instrument except as dates say)");
        }

        var weekly = new List<WeeklyOpening>();
        foreach (var (period, index) in (request?.Weekly ?? []).Select((p, i) => (p, i)))
        {
            var field = $"weekly[{index}]";
            var day = Wire.ParseDay(period?.Day);
            if (day is null)
            {
                input.Fail($"{field}.day", "must be a lower-case weekday, e.g. \"monday\"");
            }

            var from = input.TimeOfDay(period?.From, $"{field}.from", allowEndOfDay: false);
            var to = input.TimeOfDay(period?.To, $"{field}.to", allowEndOfDay: true);
            if (day is { } d && from is { } f && to is { } t)
            {
                if (!t.EndOfDay && t.Time == f.Time)
                {
                    input.Fail(field, "from and to are equal; use 00:00 to 24:00 for a whole day");
                }

                weekly.Add(new WeeklyOpening(d, f.Time, t.Time, t.EndOfDay));
            }
        }

        var closed = new List<LocalDate>();
        foreach (var (date, index) in (request?.ClosedDates ?? []).Select((d, i) => (d, i)))
        {
            if (input.Date(date, $"closedDates[{index}]") is { } parsed)
            {
                closed.Add(parsed);
            }
        }

        if (weekly.Count > 200 || closed.Count > 3660)
        {
            input.Fail("weekly", "has too many entries");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var set = await grains.GetGrain<IInstrumentGrain>(id).SetOpeningHoursAsync(http.User.Actor(), new OpeningHours(weekly, [.. closed.Distinct().Order()]));
        return CommandResults.Ok(set, OpeningHoursResponse.Of);
    }

    private static async Task<IResult> GetOpeningHours(string id, IGrainFactory grains) =>
        await InstrumentsApi.Find(id, grains) is { } instrument
            ? TypedResults.Ok(OpeningHoursResponse.Of(instrument))
            : ApiProblem.NotFound($"No instrument '{id}'.");

    private static async Task<IResult> GetBlackout(string id, string blackoutId, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument
            || instrument.Blackouts.FirstOrDefault(b => b.Id.ToString() == blackoutId) is not { } blackout)
        {
            return ApiProblem.NotFound($"No blackout '{blackoutId}' on instrument '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        return problem ?? TypedResults.Ok(BlackoutResponse.Of(id, blackout, LabTime.FindZone(instrument.TimeZone).Value, requester!));
    }

    private static async Task<IResult> ListBlackouts(string id, string? tz, HttpContext http, IGrainFactory grains, IClock clock)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        var now = clock.GetCurrentInstant();
        return TypedResults.Ok(new Page<BlackoutResponse>(
            [.. instrument.Blackouts.Where(b => b.Interval.End > now).Select(b => BlackoutResponse.Of(id, b, lab, requester!))], null));
    }

    private static async Task<IResult> AddBlackout(string id, BlackoutRequest? request, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var input = new Input();
        var start = input.Instant(request?.Start, "start");
        var end = input.Instant(request?.End, "end");
        var reason = input.Optional(request?.Reason, "reason", 500) ?? "";
        if (start is { } s && end is { } e && e <= s)
        {
            input.Fail("end", "must be after start");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        var added = await grains.GetGrain<IInstrumentGrain>(id)
            .AddBlackoutAsync(http.User.Actor(), new Interval(start!.Value, end!.Value), reason, request?.CancelConflicting ?? false,
                IdempotentIds.For("blackout", http.User.Actor(), http.Request));
        return CommandResults.Created(added, b => BlackoutResponse.Of(id, b, lab, requester!), b => $"/api/v1/instruments/{id}/blackouts/{b.Id}");
    }

    private static async Task<IResult> Free(string id, string? from, string? to, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        var input = new Input();
        var window = Window(from, to, lab, input);
        if (window is { } w && w.Duration > MaxFreeWindow)
        {
            input.Fail("to", "at most 92 days after from");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var free = await grains.GetGrain<IInstrumentGrain>(id).GetFreeAsync(window!.Value);
        return TypedResults.Ok(new FreeResponse(id, [.. free.Select(i => IntervalView.Of(i, lab, requester!))]));
    }

    /// <summary>A window from two instants, or from two dates read in <paramref name="zone"/> (from inclusive, to exclusive).</summary>
    internal static Interval? Window(string? from, string? to, DateTimeZone zone, Input input)
    {
        var start = input.InstantOrDate(from, "from", zone);
        var end = input.InstantOrDate(to, "to", zone);
        if (start is null || end is null)
        {
            return null;
        }

        if (end <= start)
        {
            input.Fail("to", "must be after from");
            return null;
        }

        return new Interval(start.Value, end.Value);
    }
}
