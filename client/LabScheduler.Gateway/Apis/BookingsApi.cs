using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Metrics;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>Bookings: create, read, list, cancel, approve, reject.</summary>
public static class BookingsApi
{
    public sealed record BookingRequest(string? InstrumentId, string? TeamId, string? Start, string? End, string? LocalStart, string? LocalEnd, string? Purpose);

    public sealed record ReasonRequest(string? Reason);

    public static RouteGroupBuilder MapBookingsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/bookings", Create).WithMetadata(new IdempotentAttribute()).WithName("CreateBooking")
            .WithSummary("Books an instrument for a team: confirmed, or pending where it requires approval.");
        api.MapGet("/bookings/{id}", Get).WithName("GetBooking").WithSummary("One booking (booker, team member, lab manager, admin).");
        api.MapGet("/bookings", List).WithName("ListBookings").WithSummary("Bookings visible to the caller, by start, paged.");
        api.MapPost("/bookings/{id}/cancel", (string id, ReasonRequest? body, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "cancelled", (i, a, b) => i.CancelAsync(a, b, Reason(body))))
            .WithName("CancelBooking").WithSummary("Cancels and frees the time at once (booker, lab manager, admin).");
        api.MapPost("/bookings/{id}/approve", (string id, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "approved", (i, a, b) => i.ApproveAsync(a, b)))
            .WithName("ApproveBooking").WithSummary("Pending to confirmed (lab manager, admin).");
        api.MapPost("/bookings/{id}/reject", (string id, ReasonRequest? body, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "rejected", (i, a, b) => i.RejectAsync(a, b, Reason(body))))
            .WithName("RejectBooking").WithSummary("Pending to rejected (lab manager, admin).");
        return api;
    }

    private static async Task<IResult> Create(BookingRequest? request, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics)
    {
        var input = new Input();
        var instrumentId = input.Id(request?.InstrumentId, "instrumentId");
        var teamId = input.Id(request?.TeamId, "teamId");
        var purpose = input.Optional(request?.Purpose, "purpose", 500) ?? "";
        var byInstant = request?.Start is not null || request?.End is not null;
        var byLocal = request?.LocalStart is not null || request?.LocalEnd is not null;
        if (byInstant == byLocal)
        {
            input.Fail("start", "give either start and end (with offsets) or localStart and localEnd (lab time)");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        if (await InstrumentsApi.Find(instrumentId, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{instrumentId}'.");
        }

        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        Instant start, end;
        if (byInstant)
        {
            var s = input.Instant(request!.Start, "start");
            var e = input.Instant(request.End, "end");
            if (!input.IsValid)
            {
                return ApiProblem.Validation(input.Errors);
            }

            (start, end) = (s!.Value, e!.Value);
        }
        else
        {
            var ls = input.Local(request!.LocalStart, "localStart");
            var le = input.Local(request.LocalEnd, "localEnd");
            if (!input.IsValid)
            {
                return ApiProblem.Validation(input.Errors);
            }

            var s = LabTime.ResolveStrictly(ls!.Value, lab);
            if (!s.IsSuccess)
            {
                return ApiProblem.From(s.Error);
            }

            var e = LabTime.ResolveStrictly(le!.Value, lab);
            if (!e.IsSuccess)
            {
                return ApiProblem.From(e.Error);
            }

            (start, end) = (s.Value, e.Value);
        }

        if (end <= start)
        {
            return ApiProblem.Validation("end", "must be after start");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var actor = http.User.Actor();
        var booked = await grains.GetGrain<IInstrumentGrain>(instrumentId).BookAsync(actor, new BookCommand
        {
            BookingId = BookingIdFor(actor, http.Request.Headers[IdempotencyMiddleware.Header].ToString()),
            TeamId = teamId,
            Interval = new Interval(start, end),
            Purpose = purpose,
        });
        metrics.CountBooking(booked.IsSuccess ? BookingLifecycle.ToWire(booked.Value!.Status) : booked.Problem!.Code);
        return CommandResults.Created(booked, b => BookingResponse.Of(b, lab, requester!), b => $"/api/v1/bookings/{b.Id}");
    }

    private static async Task<IResult> Get(string id, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var bookingId))
        {
            return ApiProblem.NotFound($"No booking '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var found = await grains.GetGrain<IBookingQueryGrain>(0).FindAsync(http.User.Actor(), bookingId);
        if (!found.IsSuccess)
        {
            return ApiProblem.From(found.Problem!);
        }

        return TypedResults.Ok(BookingResponse.Of(found.Value!, await LabZone(found.Value!.InstrumentId, grains), requester!));
    }

    private static async Task<IResult> List(
        string? instrumentId, string? teamId, string? userId, string? from, string? to, string? status, int? limit, string? cursor, string? tz,
        HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var position = Cursor.Decode(cursor, input);
        BookingCursor? after = null;
        if (position is not null)
        {
            var parts = position.Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && Guid.TryParse(parts[1], out var lastId))
            {
                after = new BookingCursor(Instant.FromUnixTimeTicks(ticks), lastId);
            }
            else
            {
                input.Fail("cursor", "is not a cursor this API gave out");
            }
        }

        foreach (var (value, field) in new[] { (instrumentId, "instrumentId"), (teamId, "teamId"), (userId, "userId") })
        {
            if (value is not null && !ReferenceIds.IsValid(value))
            {
                input.Fail(field, "is not a valid id");
            }
        }

        var parsedStatus = status is null ? null : BookingLifecycle.FromWire(status);
        if (status is not null && parsedStatus is null)
        {
            input.Fail("status", "is not a booking status");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var fromInstant = from is null ? null : Bound(from, "from", requester!, input);
        var toInstant = to is null ? null : Bound(to, "to", requester!, input);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var page = await grains.GetGrain<IBookingQueryGrain>(0).ListAsync(http.User.Actor(), new BookingFilter
        {
            InstrumentId = instrumentId, TeamId = teamId, UserId = userId, From = fromInstant, To = toInstant, Status = parsedStatus,
        }, after, take);

        var zones = new Dictionary<string, DateTimeZone>();
        foreach (var instrument in page.Items.Select(b => b.InstrumentId).Distinct())
        {
            zones[instrument] = await LabZone(instrument, grains);
        }

        var next = page.Next is { } n ? Cursor.Encode(string.Create(CultureInfo.InvariantCulture, $"{n.Start.ToUnixTimeTicks()}|{n.Id}")) : null;
        return TypedResults.Ok(new Page<BookingResponse>([.. page.Items.Select(b => BookingResponse.Of(b, zones[b.InstrumentId], requester!))], next));
    }

    private static async Task<IResult> Transition(
        string id, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics, string outcome,
        Func<IInstrumentGrain, Actor, Guid, Task<CommandResult<Booking>>> change)
    {
        if (!Guid.TryParse(id, out var bookingId))
        {
            return ApiProblem.NotFound($"No booking '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var actor = http.User.Actor();
        var found = await grains.GetGrain<IBookingQueryGrain>(0).FindAsync(actor, bookingId);
        if (!found.IsSuccess)
        {
            return ApiProblem.From(found.Problem!);
        }

        var result = await change(grains.GetGrain<IInstrumentGrain>(found.Value!.InstrumentId), actor, bookingId);
        metrics.CountBooking(result.IsSuccess ? outcome : result.Problem!.Code);
        var lab = await LabZone(found.Value.InstrumentId, grains);
        return CommandResults.Ok(result, b => BookingResponse.Of(b, lab, requester!));
    }

    private static string? Reason(ReasonRequest? body) => body?.Reason is { Length: > 500 } text ? text[..500] : body?.Reason;

    private static async Task<DateTimeZone> LabZone(string instrumentId, IGrainFactory grains) =>
        await grains.GetGrain<IInstrumentGrain>(instrumentId).GetAsync() is { } i && Input.TryZone(i.TimeZone, out var zone) ? zone : DateTimeZone.Utc;

    private static Instant? Bound(string value, string field, DateTimeZone zone, Input input) =>
        value.Length == 10
            ? input.Date(value, field) is { } date ? zone.AtStartOfDay(date).ToInstant() : null
            : input.Instant(value, field);

    /// <summary>
    /// The same caller and Idempotency-Key always name the same booking, so a retry whose first
    /// answer was lost finds the booking the first attempt made instead of making a second.
    /// </summary>
    private static Guid? BookingIdFor(Actor actor, string idempotencyKey)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"booking\n{actor.UserId}\n{idempotencyKey}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
