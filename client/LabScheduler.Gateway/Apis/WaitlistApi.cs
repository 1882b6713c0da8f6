using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Waitlist;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Idempotency;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>Waitlists: queue for a taken interval; take or leave an offer when it frees.</summary>
public static class WaitlistApi
{
    public sealed record JoinRequest(string? TeamId, string? Start, string? End, string? LocalStart, string? LocalEnd);

    public sealed record EntryResponse(
        string Id, string InstrumentId, string TeamId, string UserId, string Status, string Start, string End,
        ZonedSpan Lab, ZonedSpan Requester, string CreatedAt, string? OfferExpiresAt, string? BookingId)
    {
        public static EntryResponse Of(WaitlistEntry e, DateTimeZone lab, DateTimeZone requester)
        {
            var span = IntervalView.Of(e.Interval, lab, requester);
            return new(
                e.Id.ToString(), e.InstrumentId, e.TeamId, e.UserId, WaitlistEntry.ToWire(e.Status), span.Start, span.End, span.Lab, span.Requester,
                Utc.Render(e.CreatedAt), e.OfferExpiresAt is { } x ? Utc.Render(x) : null, e.BookingId?.ToString());
        }
    }

    public static RouteGroupBuilder MapWaitlistApi(this RouteGroupBuilder api)
    {
        api.MapPost("/instruments/{id}/waitlist", Join).WithMetadata(new IdempotentAttribute()).WithName("JoinWaitlist").Produces<EntryResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Queues for a taken interval (same rights as booking it); 422 waitlist.time-free when it is free.");
        api.MapGet("/instruments/{id}/waitlist", List).WithName("InstrumentWaitlist").Produces<Page<EntryResponse>>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The entries in line: all of them for the lab's managers and admins, one's own for others.");
        api.MapGet("/me/waitlist", Mine).WithName("MyWaitlist").Produces<Page<EntryResponse>>().WithSummary("The caller's waitlist entries, newest first.");
        api.MapPost("/waitlist/{entryId}/accept", Accept).WithName("AcceptOffer").Produces<BookingResponse>().Produces<BookingResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Takes an open offer: the held time becomes the waiter's booking.");
        api.MapPost("/waitlist/{entryId}/withdraw", Withdraw).WithName("WithdrawFromWaitlist").Produces<EntryResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Leaves the line (the waiter, the lab's managers, admin); a held offer passes on.");
        api.MapGet("/waitlist/{entryId}", GetEntry).WithName("GetWaitlistEntry").Produces<EntryResponse>()
            .WithSummary("One waitlist entry (the waiter, the lab's managers, admin): where a join's Location points.");
        return api;
    }

    private static async Task<IResult> GetEntry(string entryId, string? tz, HttpContext http, IGrainFactory grains)
    {
        var (entry, lab, requester, problem) = await Find(entryId, tz, http, grains);
        return entry is null ? problem! : TypedResults.Ok(EntryResponse.Of(entry, lab!, requester!));
    }

    private static async Task<IResult> Join(string id, JoinRequest? request, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        var input = new Input();
        var teamId = input.Id(request?.TeamId, "teamId");
        var (interval, timeError) = input.Span(request?.Start, request?.End, request?.LocalStart, request?.LocalEnd, lab);
        if (timeError is not null)
        {
            return ApiProblem.From(timeError);
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

        var joined = await grains.GetGrain<IInstrumentGrain>(id)
            .JoinWaitlistAsync(http.User.Actor(), new WaitlistCommand
            {
                TeamId = teamId, Interval = interval!.Value, EntryId = IdempotentIds.For("waitlist", http.User.Actor(), http.Request),
            });
        return CommandResults.Created(joined, e => EntryResponse.Of(e, lab, requester!), e => $"/api/v1/waitlist/{e.Id}");
    }

    private static async Task<IResult> List(string id, string? tz, HttpContext http, IGrainFactory grains)
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

        var actor = http.User.Actor();
        var access = await grains.GetGrain<LabScheduler.Contracts.Users.IUserGrain>(actor.UserId).GetAccessAsync();
        var lab = LabTime.FindZone(instrument.TimeZone).Value;
        var entries = await grains.GetGrain<IInstrumentGrain>(id).GetWaitlistAsync();
        return TypedResults.Ok(new Page<EntryResponse>(
            [.. entries.Where(e => access.Manages(instrument.LabId) || e.UserId == actor.UserId).Select(e => EntryResponse.Of(e, lab, requester!))], null));
    }

    private static async Task<IResult> Mine(string? tz, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        var position = Cursor.Decode(cursor, input)?.Split('~') is [var ticks, var id] && long.TryParse(ticks, out var t) && Guid.TryParse(id, out var g)
            ? (Instant.FromUnixTimeTicks(t), g)
            : ((Instant, Guid)?)null;
        if (cursor is not null && position is null)
        {
            input.Fail("cursor", "is not a cursor this API gave out");
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

        var entries = await grains.GetGrain<IBookingQueryGrain>(0).MyWaitlistAsync(http.User.Actor(), position?.Item1, position?.Item2, take + 1);
        var items = new List<EntryResponse>();
        foreach (var entry in entries.Take(take))
        {
            items.Add(EntryResponse.Of(entry, await InstrumentsApi.LabZoneAsync(entry.InstrumentId, http), requester!));
        }

        var last = entries.Count > take ? entries[take - 1] : null;
        return TypedResults.Ok(new Page<EntryResponse>(items, last is null ? null : Cursor.Encode($"{last.CreatedAt.ToUnixTimeTicks()}~{last.Id}")));
    }

    private static async Task<IResult> Accept(string entryId, string? tz, HttpContext http, IGrainFactory grains)
    {
        var (entry, lab, requester, problem) = await Find(entryId, tz, http, grains);
        if (entry is null)
        {
            return problem!;
        }

        // Idempotent: the waiter's repeat of an accept that already booked answers with that booking again.
        if (entry is { Status: WaitlistStatus.Booked, BookingId: { } bookingId } && entry.UserId == http.User.Actor().UserId)
        {
            var again = await grains.GetGrain<IBookingQueryGrain>(0).FindAsync(http.User.Actor(), bookingId);
            return CommandResults.Ok(again, b => BookingResponse.Of(b, lab!, requester!));
        }

        var booked = await grains.GetGrain<IInstrumentGrain>(entry.InstrumentId).AcceptOfferAsync(http.User.Actor(), entry.Id);
        return CommandResults.Created(booked, b => BookingResponse.Of(b, lab!, requester!), b => $"/api/v1/bookings/{b.Id}");
    }

    private static async Task<IResult> Withdraw(string entryId, string? tz, HttpContext http, IGrainFactory grains)
    {
        var (entry, lab, requester, problem) = await Find(entryId, tz, http, grains);
        if (entry is null)
        {
            return problem!;
        }

        var withdrawn = await grains.GetGrain<IInstrumentGrain>(entry.InstrumentId).WithdrawAsync(http.User.Actor(), entry.Id);
        return CommandResults.Ok(withdrawn, e => EntryResponse.Of(e, lab!, requester!));
    }

    private static async Task<(WaitlistEntry? Entry, DateTimeZone? Lab, DateTimeZone? Requester, IResult? Problem)> Find(
        string entryId, string? tz, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(entryId, out var id))
        {
            return (null, null, null, ApiProblem.NotFound($"No waitlist entry '{entryId}'."));
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return (null, null, null, problem);
        }

        var found = await grains.GetGrain<IBookingQueryGrain>(0).FindWaitlistEntryAsync(http.User.Actor(), id);
        if (!found.IsSuccess)
        {
            return (null, null, null, ApiProblem.From(found.Problem!));
        }

        return (found.Value, await InstrumentsApi.LabZoneAsync(found.Value!.InstrumentId, http), requester, null);
    }
}
