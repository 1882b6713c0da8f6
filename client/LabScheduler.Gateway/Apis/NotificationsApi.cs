using System.Globalization;
using LabScheduler.Contracts.Notifications;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Views;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>The notification outbox, for administrators: what waits, what went out, what gave up, and retries.</summary>
public static class NotificationsApi
{
    /// <summary>A notice of the outbox; times in UTC, null where they do not apply.</summary>
    public sealed record NotificationView(
        string Id, string Kind, string Recipient, string? BookingId, string State, int Attempts, string? LastError,
        string CreatedAt, string DueAt, string? DeadAt, string? DeliveredAt, string? DeliveredBy)
    {
        public static NotificationView Of(NotificationItem n) => new(
            n.Id.ToString(), n.Kind, n.Recipient, n.BookingId?.ToString(), n.State, n.Attempts, n.LastError,
            Utc.Render(n.CreatedAt), Utc.Render(n.DueAt), n.DeadAt is { } dead ? Utc.Render(dead) : null,
            n.DeliveredAt is { } delivered ? Utc.Render(delivered) : null, n.DeliveredBy);
    }

    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/admin/notifications", List).WithName("ListNotifications")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The notification outbox in one state (state=dead|pending|delivered, default dead), newest first, paged; admin only.");
        api.MapPost("/admin/notifications/{id}/retry", Retry).WithName("RetryNotification")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Puts a dead notification back to pending, due now with its attempts reset; 409 notification.delivered if it went out already; admin only.");
        return api;
    }

    private static async Task<Results<Ok<Page<NotificationView>>, ProblemHttpResult>> List(
        string? state, int? limit, string? cursor, HttpContext http, IGrainFactory grains)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        state ??= NotificationStates.Dead;
        if (!NotificationStates.IsKnown(state))
        {
            input.Fail("state", "must be dead, pending or delivered");
        }

        Instant? beforeAt = null;
        Guid? beforeId = null;
        if (Cursor.Decode(cursor, input) is { } position)
        {
            var parts = position.Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && Guid.TryParse(parts[1], out var lastId))
            {
                beforeAt = Instant.FromUnixTimeTicks(ticks);
                beforeId = lastId;
            }
            else
            {
                input.Fail("cursor", "is not a cursor this API gave out");
            }
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var items = await grains.GetGrain<INotificationsGrain>(0).ListAsync(http.User.Actor(), new NotificationQuery
        {
            State = state, BeforeCreatedAt = beforeAt, BeforeId = beforeId, Limit = take,
        });
        return CommandResults.Ok(items, page => new Page<NotificationView>(
            [.. page.Select(NotificationView.Of)],
            page.Count == take ? Cursor.Encode(FormattableString.Invariant($"{page[^1].CreatedAt.ToUnixTimeTicks()}|{page[^1].Id}")) : null));
    }

    private static async Task<Results<Ok<NotificationView>, ProblemHttpResult>> Retry(string id, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(id, out var notificationId))
        {
            return ApiProblem.Result(ErrorCodes.NotificationNotFound, $"There is no notification '{id}'.");
        }

        return CommandResults.Ok(await grains.GetGrain<INotificationsGrain>(0).RetryAsync(http.User.Actor(), notificationId), NotificationView.Of);
    }
}
