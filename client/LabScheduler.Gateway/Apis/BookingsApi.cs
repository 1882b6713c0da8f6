using System.Globalization;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
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

    public sealed record SeriesRequest(
        string? InstrumentId, string? TeamId, string? Start, string? End, string? LocalStart, string? LocalEnd, string? Purpose, string? Recurrence);

    public sealed record SeriesResponse(string SeriesId, IReadOnlyList<BookingResponse> Items);

    public static RouteGroupBuilder MapBookingsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/bookings", Create).WithMetadata(new IdempotentAttribute { KeyWrittenWithResult = true }).WithName("CreateBooking").Produces<BookingResponse>(StatusCodes.Status201Created)
            .WithSummary("Books an instrument for a team: confirmed, or pending where it requires approval.");
        api.MapGet("/bookings/{id}", Get).WithName("GetBooking").Produces<BookingResponse>().WithSummary("One booking (booker, team member, lab manager, admin).");
        api.MapGet("/me/approvals/count", ApprovalsCount).WithName("ApprovalsCount")
            .WithSummary("How many bookings wait for approval on the labs the caller manages (administrators: all labs).");
        api.MapGet("/bookings", List).WithName("ListBookings").Produces<Page<BookingResponse>>().WithSummary("Bookings visible to the caller, by start, paged.");
        api.MapPost("/bookings/{id}/cancel", (string id, ReasonRequest? body, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "cancelled", (i, a, b) => i.CancelAsync(a, b, Reason(body))))
            .WithName("CancelBooking").Produces<BookingResponse>().WithSummary("Cancels and frees the time at once (booker, lab manager, admin).");
        api.MapPost("/bookings/{id}/approve", (string id, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "approved", (i, a, b) => i.ApproveAsync(a, b)))
            .WithName("ApproveBooking").Produces<BookingResponse>().WithSummary("Pending to confirmed (lab manager, admin).");
        api.MapPost("/bookings/{id}/reject", (string id, ReasonRequest? body, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "rejected", (i, a, b) => i.RejectAsync(a, b, Reason(body))))
            .WithName("RejectBooking").Produces<BookingResponse>().WithSummary("Pending to rejected (lab manager, admin).");
        api.MapPost("/bookings/{id}/check-in", (string id, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "checked-in", (i, a, b) => i.CheckInAsync(a, b)))
            .WithName("CheckIn").Produces<BookingResponse>().WithSummary("The booker checks in, from 15 minutes before the start until the end.");
        api.MapPost("/bookings/{id}/check-out", (string id, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics) =>
                Transition(id, tz, http, grains, metrics, "completed", (i, a, b) => i.CheckOutAsync(a, b)))
            .WithName("CheckOut").Produces<BookingResponse>().WithSummary("The booker checks out: records the actual end, completes the booking, frees the rest.");
        api.MapPost("/booking-series", CreateSeries).WithMetadata(new IdempotentAttribute()).WithName("CreateSeries").Produces<SeriesResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Books every occurrence of an RFC 5545 RRULE (expanded in the lab's local time), or none.");
        api.MapPost("/booking-series/{id}/cancel", CancelSeries).WithName("CancelSeries").Produces<SeriesResponse>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Cancels the occurrences not yet started (booker, lab manager, admin).");
        api.MapGet("/booking-series/{id}", GetSeries).WithName("GetSeries").Produces<SeriesResponse>()
            .WithSummary("One series with its occurrences (as GET /bookings/{id} for each): where a series' Location points.");
        return api;
    }

    /// <summary>What a booking or series request names: the instrument, its lab's zone, the team, the (first) interval.</summary>
    private sealed record Target(string InstrumentId, DateTimeZone Lab, string TeamId, Interval Interval, string Purpose, DateTimeZone Requester);

    private static async Task<(Target? Target, IResult? Problem)> ReadTarget(
        string? instrumentIdText, string? teamIdText, string? startText, string? endText, string? localStartText, string? localEndText, string? purposeText,
        string? tz, HttpContext http, IGrainFactory grains, Input input)
    {
        var instrumentId = input.Id(instrumentIdText, "instrumentId");
        var teamId = input.Id(teamIdText, "teamId");
        var purpose = input.Optional(purposeText, "purpose", 500) ?? "";
        if (!input.IsValid)
        {
            return (null, ApiProblem.Validation(input.Errors));
        }

        if (await http.RequestServices.GetRequiredService<GatewayDirectory>().InstrumentZoneAsync(instrumentId) is not { } lab)
        {
            return (null, ApiProblem.NotFound($"No instrument '{instrumentId}'."));
        }

        var (interval, timeError) = input.Span(startText, endText, localStartText, localEndText, lab);
        if (timeError is not null)
        {
            return (null, ApiProblem.From(timeError));
        }

        if (!input.IsValid)
        {
            return (null, ApiProblem.Validation(input.Errors));
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        return problem is not null
            ? (null, problem)
            : (new Target(instrumentId, lab, teamId, interval!.Value, purpose, requester!), null);
    }

    private static async Task<IResult> Create(BookingRequest? request, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics)
    {
        var (target, problem) = await ReadTarget(
            request?.InstrumentId, request?.TeamId, request?.Start, request?.End, request?.LocalStart, request?.LocalEnd, request?.Purpose, tz, http, grains, new Input());
        if (target is null)
        {
            return problem!;
        }

        var actor = http.User.Actor();
        var bookingId = IdempotentIds.For("booking", actor, http.Request);
        var key = http.Features.Get<RequestKeyFeature>();
        var booked = await grains.GetGrain<IInstrumentGrain>(target.InstrumentId).BookAsync(actor, new BookCommand
        {
            BookingId = bookingId,
            TeamId = target.TeamId,
            Interval = target.Interval,
            Purpose = target.Purpose,
            Key = key is null || bookingId is null ? null : new RequestKey { Key = key.Key, RequestHash = key.RequestHash, Location = Location(bookingId.Value), At = key.At },
        });
        if (key is not null)
        {
            // The key's row is the booking's (written with it, or by the earlier attempt found), or another request's.
            key.Kept = booked.IsSuccess;
            key.Replayed = booked.Value?.Replayed == true;
            if (booked.Problem?.Code == InternalCodes.IdempotencyKeyTaken)
            {
                key.Taken = true;
                return Results.Empty;
            }
        }

        metrics.CountBooking(booked.IsSuccess ? BookingLifecycle.ToWire(booked.Value!.Status) : booked.Problem!.Code);
        return CommandResults.Created(booked, b => BookingResponse.Of(b, target.Lab, target.Requester), b => Location(b.Id));
    }

    private static string Location(Guid bookingId) => $"/api/v1/bookings/{bookingId}";

    private static async Task<IResult> CreateSeries(SeriesRequest? request, string? tz, HttpContext http, IGrainFactory grains, GatewayMetrics metrics)
    {
        var input = new Input();
        var recurrence = input.Required(request?.Recurrence, "recurrence", 500);
        var (target, problem) = await ReadTarget(
            request?.InstrumentId, request?.TeamId, request?.Start, request?.End, request?.LocalStart, request?.LocalEnd, request?.Purpose, tz, http, grains, input);
        if (target is null)
        {
            return problem!;
        }

        var actor = http.User.Actor();
        var booked = await grains.GetGrain<IInstrumentGrain>(target.InstrumentId).BookSeriesAsync(actor, new SeriesCommand
        {
            SeriesId = IdempotentIds.For("series", actor, http.Request),
            TeamId = target.TeamId,
            First = target.Interval,
            Recurrence = recurrence,
            Purpose = target.Purpose,
        });
        metrics.CountBooking(booked.IsSuccess ? "series" : booked.Problem!.Code);
        return CommandResults.Created(
            booked,
            s => new SeriesResponse(s.SeriesId.ToString(), [.. s.Items.Select(b => BookingResponse.Of(b, target.Lab, target.Requester))]),
            s => $"/api/v1/booking-series/{s.SeriesId}");
    }

    private static async Task<IResult> CancelSeries(string id, ReasonRequest? body, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var seriesId))
        {
            return ApiProblem.NotFound($"No series '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var actor = http.User.Actor();
        var found = await grains.GetGrain<IBookingQueryGrain>(0).FindSeriesAsync(actor, seriesId);
        if (!found.IsSuccess)
        {
            return ApiProblem.From(found.Problem!);
        }

        var instrumentId = found.Value!.Items[0].InstrumentId;
        var lab = await InstrumentsApi.LabZoneAsync(instrumentId, http);
        var cancelled = await grains.GetGrain<IInstrumentGrain>(instrumentId).CancelSeriesAsync(actor, seriesId, Reason(body));
        return CommandResults.Ok(cancelled, s => new SeriesResponse(s.SeriesId.ToString(), [.. s.Items.Select(b => BookingResponse.Of(b, lab, requester!))]));
    }

    private static async Task<IResult> GetSeries(string id, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var seriesId))
        {
            return ApiProblem.NotFound($"No series '{id}'.");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        var found = await grains.GetGrain<IBookingQueryGrain>(0).FindSeriesAsync(http.User.Actor(), seriesId);
        if (!found.IsSuccess)
        {
            return ApiProblem.From(found.Problem!);
        }

        var lab = await InstrumentsApi.LabZoneAsync(found.Value!.Items[0].InstrumentId, http);
        return TypedResults.Ok(new SeriesResponse(found.Value.SeriesId.ToString(), [.. found.Value.Items.Select(b => BookingResponse.Of(b, lab, requester!))]));
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

        return TypedResults.Ok(BookingResponse.Of(found.Value!, await InstrumentsApi.LabZoneAsync(found.Value!.InstrumentId, http), requester!));
    }

    private static async Task<IResult> List(
        string? instrumentId, string? teamId, string? userId, string? labId, string? from, string? to, string? status, int? limit, string? cursor, string? tz,
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

        foreach (var (value, field) in new[] { (instrumentId, "instrumentId"), (teamId, "teamId"), (userId, "userId"), (labId, "labId") })
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

        var fromInstant = from is null ? null : input.InstantOrDate(from, "from", requester!);
        var toInstant = to is null ? null : input.InstantOrDate(to, "to", requester!);
        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var page = await grains.GetGrain<IBookingQueryGrain>(0).ListAsync(http.User.Actor(), new BookingFilter
        {
            InstrumentId = instrumentId, TeamId = teamId, UserId = userId, LabId = labId, From = fromInstant, To = toInstant, Status = parsedStatus,
        }, after, take);

        var zones = new Dictionary<string, DateTimeZone>();
        foreach (var instrument in page.Items.Select(b => b.InstrumentId).Distinct())
        {
            zones[instrument] = await InstrumentsApi.LabZoneAsync(instrument, http);
        }

        var next = page.Next is { } n ? Cursor.Encode(string.Create(CultureInfo.InvariantCulture, $"{n.Start.ToUnixTimeTicks()}|{n.Id}")) : null;
        return TypedResults.Ok(new Page<BookingResponse>([.. page.Items.Select(b => BookingResponse.Of(b, zones[b.InstrumentId], requester!))], next));
    }

    public sealed record ApprovalsCountResponse(int Pending);

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<ApprovalsCountResponse>> ApprovalsCount(HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(new ApprovalsCountResponse(await grains.GetGrain<IBookingQueryGrain>(0).PendingApprovalsCountAsync(http.User.Actor())));

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
        var lab = await InstrumentsApi.LabZoneAsync(found.Value.InstrumentId, http);
        return CommandResults.Ok(result, b => BookingResponse.Of(b, lab, requester!));
    }

    private static string? Reason(ReasonRequest? body) => body?.Reason is { Length: > 500 } text ? text[..500] : body?.Reason;
}
