using System.Net;
using NodaTime;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// The outbox for administrators over HTTP: dead, pending and delivered notices listed with their
/// attempts, last error and times, paged; a retry puts a dead one back to pending and refuses a
/// delivered one; nobody else may look or retry. (How notices die: OutboxDeliveryTests.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NotificationsApiTests(ApiFixture api)
{
    /// <summary>A notice as the outbox job leaves it: dead after 8 attempts, or delivered.</summary>
    private async Task<Guid> Notice(bool dead)
    {
        var id = Guid.NewGuid();
        var now = api.Harness.Clock.GetCurrentInstant();
        await api.Harness.Database.ExecuteAsync(dead
            ? """
              INSERT INTO notifications (id, user_id, kind, payload, created_at, due_at, attempts, claimed_until, dead_at, last_error)
              VALUES (@id, 'alice', 'booking.confirmed', '{}', @created, @due, 8, 'infinity', @now, 'receiver down')
              """
            : """
              INSERT INTO notifications (id, user_id, kind, payload, created_at, due_at, attempts, delivered_at, delivered_by)
              VALUES (@id, 'alice', 'booking.cancelled', '{}', @created, @due, 1, @now, 'log')
              """,
            ("id", id), ("created", now - Duration.FromHours(3)), ("due", now - Duration.FromHours(1)), ("now", now));
        return id;
    }

    [Fact]
    public async Task DeadNotices_ListedForAdmins_RetryPutsThemBackToPending_DeliveredOnesAreRefused()
    {
        var dead = await Notice(dead: true);
        var older = await Notice(dead: true);
        var delivered = await Notice(dead: false);
        using var admin = await api.As("admin");
        var now = api.Harness.Clock.GetCurrentInstant();

        var list = await (await admin.GetAsync("/api/v1/admin/notifications?state=dead&limit=1000")).Expect(HttpStatusCode.OK);
        var item = list.GetProperty("items").EnumerateArray().Single(i => i.Str("id") == dead.ToString());
        Assert.Equal(
            ("booking.confirmed", "alice", "dead", 8, "receiver down"),
            (item.Str("kind"), item.Str("recipient"), item.Str("state"), item.GetProperty("attempts").GetInt32(), item.Str("lastError")));
        Assert.Equal(Utc(now - Duration.FromHours(1)), item.Str("dueAt"));
        Assert.Equal(Utc(now), item.Str("deadAt"));
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), i => i.Str("id") == delivered.ToString());

        // Dead is the default state; pages of one, newest first, reach both.
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync($"/api/v1/admin/notifications?limit=1{(cursor is null ? "" : $"&cursor={cursor}")}")).Expect(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.Str("id")));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);
        Assert.Contains(dead.ToString(), seen);
        Assert.Contains(older.ToString(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        // The retry: pending, due now, attempts 0; it is listed as pending and no longer as dead. Again: answered as it is.
        var retried = await (await admin.PostAsync($"/api/v1/admin/notifications/{dead}/retry", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(("pending", 0, Utc(now)), (retried.Str("state"), retried.GetProperty("attempts").GetInt32(), retried.Str("dueAt")));
        Assert.Equal(JsonValueKindNull, retried.GetProperty("deadAt").ValueKind);
        var pending = await (await admin.GetAsync("/api/v1/admin/notifications?state=pending&limit=1000")).Expect(HttpStatusCode.OK);
        Assert.Contains(pending.GetProperty("items").EnumerateArray(), i => i.Str("id") == dead.ToString());
        var stillDead = await (await admin.GetAsync("/api/v1/admin/notifications?state=dead&limit=1000")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(stillDead.GetProperty("items").EnumerateArray(), i => i.Str("id") == dead.ToString());
        Assert.Equal("pending", (await (await admin.PostAsync($"/api/v1/admin/notifications/{dead}/retry", null)).Expect(HttpStatusCode.OK)).Str("state"));

        // Delivered ones are listed as such and not retried; unknown ids are notification.not-found; bad input is 400.
        var sent = await (await admin.GetAsync("/api/v1/admin/notifications?state=delivered&limit=1000")).Expect(HttpStatusCode.OK);
        Assert.Equal("log", sent.GetProperty("items").EnumerateArray().Single(i => i.Str("id") == delivered.ToString()).Str("deliveredBy"));
        await (await admin.PostAsync($"/api/v1/admin/notifications/{delivered}/retry", null)).Expect(HttpStatusCode.Conflict, "notification.delivered");
        await (await admin.PostAsync($"/api/v1/admin/notifications/{Guid.NewGuid()}/retry", null)).Expect(HttpStatusCode.NotFound, "notification.not-found");
        await (await admin.PostAsync("/api/v1/admin/notifications/not-a-guid/retry", null)).Expect(HttpStatusCode.NotFound, "notification.not-found");
        await (await admin.GetAsync("/api/v1/admin/notifications?state=lost")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await admin.GetAsync("/api/v1/admin/notifications?cursor=bm9wZQ")).Expect(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(1, await api.Harness.Database.ScalarAsync<int>("SELECT attempts FROM notifications WHERE id = @id", ("id", delivered)));
    }

    [Fact]
    public async Task NonAdmins_MayNeitherListNorRetry_AndNothingChanges()
    {
        var dead = await Notice(dead: true);
        foreach (var who in new[] { "alice", "wei" })
        {
            using var client = await api.As(who);
            await (await client.GetAsync("/api/v1/admin/notifications")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
            await (await client.PostAsync($"/api/v1/admin/notifications/{dead}/retry", null)).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
        }

        using var anonymous = api.Anonymous();
        await (await anonymous.GetAsync("/api/v1/admin/notifications")).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        Assert.Equal(8, await api.Harness.Database.ScalarAsync<int>("SELECT attempts FROM notifications WHERE id = @id AND dead_at IS NOT NULL", ("id", dead)));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static string Utc(Instant instant) => NodaTime.Text.InstantPattern.ExtendedIso.Format(instant);
}
