using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Reference;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Calendars;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.RateLimiting;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>RFC 5545 feeds: an instrument's bookings, and the user's own (with a feed token for calendar apps).</summary>
public static class CalendarsApi
{
    private const string ContentType = "text/calendar; charset=utf-8";

    // Feeds show a month back and half a year ahead.
    private static readonly Duration Back = Duration.FromDays(31);
    private static readonly Duration Ahead = Duration.FromDays(186);

    public sealed record FeedTokenResponse(string Token, string Url);

    public static RouteGroupBuilder MapCalendarsApi(this RouteGroupBuilder api, RouteGroupBuilder signedIn)
    {
        signedIn.MapGet("/instruments/{id}/calendar.ics", InstrumentFeed).WithName("InstrumentCalendar").Produces<string>(StatusCodes.Status200OK, "text/calendar").ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The instrument's bookings as iCalendar (who booked and why are left out).");
        signedIn.MapPost("/me/calendar-token", RotateToken).WithName("CalendarToken").Produces<FeedTokenResponse>()
            .WithSummary("A new feed token for /me/calendar.ics?token=..., for calendar apps that send no header; the old one stops working.");

        // Anonymous at the HTTP level: either a bearer token or ?token= identifies the user.
        api.MapGet("/me/calendar.ics", MyFeed).AllowAnonymous().RequireRateLimiting(RateLimitSetup.AnonymousPolicy).WithName("MyCalendar").Produces<string>(StatusCodes.Status200OK, "text/calendar").ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The signed-in user's bookings as iCalendar; ?token= may replace the Authorization header.");
        return api;
    }

    private static async Task<IResult> InstrumentFeed(string id, IGrainFactory grains, IClock clock)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var now = clock.GetCurrentInstant();
        var bookings = await grains.GetGrain<IBookingQueryGrain>(0).InstrumentCalendarAsync(id, now - Back, now + Ahead);
        var events = bookings.Select(b => new ICalendarWriter.Event(b, $"{instrument.Definition.Name}: booked", null, $"{instrument.Definition.Name}, lab {instrument.LabId}"));
        return Results.Text(ICalendarWriter.Write($"{instrument.Definition.Name} ({instrument.LabId})", events), ContentType);
    }

    private static async Task<IResult> RotateToken(HttpContext http, IGrainFactory grains)
    {
        var actor = http.User.Actor();
        var token = await grains.GetGrain<IUserGrain>(actor.UserId).RotateFeedTokenAsync(actor);
        return CommandResults.Ok(token, t => new FeedTokenResponse(t, $"/api/v1/me/calendar.ics?token={Uri.EscapeDataString(t)}"));
    }

    private static async Task<IResult> MyFeed(string? token, HttpContext http, IGrainFactory grains, IClock clock)
    {
        string userId;
        if (http.User.Identity?.IsAuthenticated == true)
        {
            userId = http.User.Actor().UserId;
        }
        else if (token?.Split('.', 2) is [var owner, _] && ReferenceIds.IsValid(owner) && await grains.GetGrain<IUserGrain>(owner).IsFeedTokenAsync(token))
        {
            userId = owner;
        }
        else
        {
            return ApiProblem.Result(LabScheduler.Domain.Errors.ErrorCodes.Unauthenticated, "Send Authorization: Bearer <token>, or ?token= from POST /api/v1/me/calendar-token.");
        }

        // A feed is one document: every booking of the window, read a page at a time.
        var now = clock.GetCurrentInstant();
        var filter = new BookingFilter { UserId = userId, From = now - Back, To = now + Ahead };
        var bookings = new List<Booking>();
        BookingCursor? next = null;
        do
        {
            var page = await grains.GetGrain<IBookingQueryGrain>(0).ListAsync(new Actor(userId), filter, next, Cursor.MaxLimit);
            bookings.AddRange(page.Items);
            next = page.Next;
        }
        while (next is not null);

        var events = bookings.Select(b => new ICalendarWriter.Event(b, $"{b.InstrumentId} for {b.TeamId}", b.Purpose, $"{b.InstrumentId}, lab {b.LabId}"));
        return Results.Text(ICalendarWriter.Write($"LabScheduler: {userId}", events), ContentType);
    }
}
