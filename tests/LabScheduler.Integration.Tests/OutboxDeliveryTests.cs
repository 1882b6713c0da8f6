using LabScheduler.Testing;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Notifications;
using LabScheduler.Domain.Errors;
using LabScheduler.Persistence.Notifications;
using LabScheduler.Silo.Jobs;
using LabScheduler.Silo.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Delivery of the outbox: due notices go out once each and are recorded; a sender that fails
/// leaves them for a later attempt; a reminder of a booking cancelled in between is skipped; and
/// the webhook sender posts real HTTP to a listener on loopback. Claims: a deliverer whose claim
/// expired and was taken over records nothing; a notice that always fails is dead after MaxAttempts,
/// listed for administrators and put back by a retry; a batch's claim covers all its deliveries.
/// </summary>
public sealed class OutboxDeliveryTests
{
    private sealed class RecordingSender(bool fail = false, string name = "recording", Func<Task>? onSend = null) : INotificationSender
    {
        public ConcurrentQueue<OutboxItem> Sent { get; } = new();

        public string Name => name;

        public async Task SendAsync(OutboxItem notification, CancellationToken cancellationToken)
        {
            if (onSend is not null)
            {
                await onSend();
            }

            if (fail)
            {
                throw new HttpRequestException("receiver down");
            }

            Sent.Enqueue(notification);
        }
    }

    /// <summary>A sender that never answers and ignores its cancellation token.</summary>
    private sealed class HangingSender : INotificationSender
    {
        public string Name => "hanging";

        public Task SendAsync(OutboxItem notification, CancellationToken cancellationToken) => new TaskCompletionSource().Task;
    }

    private static readonly Actor Admin = new("admin");

    private static OutboxDeliveryJob Job(SiloHarness harness, INotificationSender sender, OutboxOptions? options = null) =>
        new(new NotificationOutbox(harness.Database.DataSource), sender, harness.Clock, NullLogger<OutboxDeliveryJob>.Instance, options);

    /// <summary>Writes <paramref name="count"/> notices due now, as a booking change would; returns their ids.</summary>
    private static async Task<List<Guid>> Notices(SiloHarness harness, int count)
    {
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await harness.Database.ExecuteAsync(
                "INSERT INTO notifications (id, user_id, kind, payload, created_at, due_at) VALUES (@id, 'alice', 'booking.confirmed', '{}', @now, @now)",
                ("id", id), ("now", harness.Clock.GetCurrentInstant()));
        }

        return ids;
    }

    [Fact]
    public async Task ClaimTakenOverAfterExpiry_TheFirstDeliverersRecordsChangeNothing_NoDoubleDelivered()
    {
        await using var harness = await SiloHarness.StartAsync("outbox-takeover");
        var ids = await Notices(harness, 3);
        var outbox = new NotificationOutbox(harness.Database.DataSource);
        var options = new OutboxOptions();

        // The first deliverer claims the batch, for as long as the batch may take.
        var first = await outbox.ClaimDueAsync(harness.Clock.GetCurrentInstant(), options.BatchSize, options.ClaimFor);
        Assert.Equal(ids.Order(), first.Items.Select(i => i.Id).Order());
        Assert.Equal(harness.Clock.GetCurrentInstant() + options.ClaimFor,
            await harness.Database.ScalarAsync<Instant>("SELECT max(claimed_until) FROM notifications"));
        Assert.Empty((await outbox.ClaimDueAsync(harness.Clock.GetCurrentInstant() + options.ClaimFor - Duration.FromSeconds(1), 10, options.ClaimFor)).Items);

        // It sends the first notice and stalls past its claim; meanwhile a second deliverer takes the rows
        // over (attempt 2) under a token of its own.
        OutboxClaim? second = null;
        var late = new RecordingSender(name: "first", onSend: async () =>
        {
            if (second is null)
            {
                harness.Clock.Advance(options.ClaimFor + Duration.FromSeconds(1));
                second = await outbox.ClaimDueAsync(harness.Clock.GetCurrentInstant(), options.BatchSize, options.ClaimFor);
            }
        });

        // The first one sends no more (its claim is over) and its record of the one it sent changes no row: it learns so from the count.
        Assert.Equal(0, await Job(harness, late).DeliverAsync(first, CancellationToken.None));
        Assert.Single(late.Sent);
        Assert.NotNull(second);
        Assert.Equal(ids.Order(), second.Items.Select(i => i.Id).Order());
        Assert.All(second.Items, i => Assert.Equal(2, i.Attempts));
        Assert.NotEqual(first.Token, second.Token);
        Assert.Equal(0, await outbox.MarkDeliveredAsync(ids, first.Token, "first", harness.Clock.GetCurrentInstant()));
        Assert.Equal(0, await outbox.MarkSkippedAsync(ids, first.Token, harness.Clock.GetCurrentInstant()));
        Assert.Equal(FailureRecorded.ClaimLost,
            await outbox.MarkFailedAsync(ids[0], first.Token, "late", harness.Clock.GetCurrentInstant(), harness.Clock.GetCurrentInstant(), 1));
        Assert.Equal(0, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_at IS NOT NULL OR dead_at IS NOT NULL OR last_error IS NOT NULL"));

        // The new owner's records stand: each notice recorded delivered once, by the second deliverer (the first
        // notice went out twice, as at-least-once allows).
        Assert.Equal(3, await Job(harness, new RecordingSender(name: "second")).DeliverAsync(second, CancellationToken.None));
        Assert.Equal(0, await outbox.MarkDeliveredAsync(ids, first.Token, "first", harness.Clock.GetCurrentInstant()));
        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_by = 'second' AND claim_token IS NULL"));
    }

    [Fact]
    public async Task AlwaysFailingSender_DeadAfterMaxAttempts_NotClaimedAgain_ListedForAdmins_RetryPutsItBack()
    {
        await using var harness = await SiloHarness.StartAsync("outbox-dead");
        var id = (await Notices(harness, 1))[0];
        var options = new OutboxOptions { MaxAttempts = 4 };
        var down = Job(harness, new RecordingSender(fail: true), options);
        var notifications = harness.Client.GetGrain<INotificationsGrain>(0);

        // Attempts 1 to 3 fail and come back after 1, 2 and 4 minutes; attempt 4 fails and the notice is dead.
        foreach (var wait in new[] { 1, 2, 4 })
        {
            Assert.Equal(0, await down.RunAsync(CancellationToken.None));
            Assert.Null(await harness.Database.ScalarAsync<object>("SELECT dead_at FROM notifications WHERE id = @id", ("id", id)) as Instant?);
            Assert.Equal(0, await down.RunAsync(CancellationToken.None));
            harness.Clock.Advance(Duration.FromMinutes(wait));
        }

        Assert.Equal(0, await down.RunAsync(CancellationToken.None));
        var deadAt = harness.Clock.GetCurrentInstant();
        Assert.Equal(4, await harness.Database.ScalarAsync<int>("SELECT attempts FROM notifications WHERE id = @id", ("id", id)));
        Assert.Equal(deadAt, await harness.Database.ScalarAsync<Instant>("SELECT dead_at FROM notifications WHERE id = @id", ("id", id)));

        // Not claimed again, however long one waits, by this version or by the one before dead letters (its claim statement).
        harness.Clock.Advance(Duration.FromDays(2));
        var up = new RecordingSender();
        Assert.Equal(0, await Job(harness, up, options).RunAsync(CancellationToken.None));
        Assert.Empty(up.Sent);
        Assert.Equal(0, await harness.Database.ScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE delivered_at IS NULL AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)",
            ("now", harness.Clock.GetCurrentInstant())));
        Assert.Equal(4, await harness.Database.ScalarAsync<int>("SELECT attempts FROM notifications WHERE id = @id", ("id", id)));

        // Administrators see it with its last error; others may not look.
        var dead = (await notifications.ListAsync(Admin, new NotificationQuery { State = NotificationStates.Dead })).Value!;
        var listed = Assert.Single(dead);
        Assert.Equal((id, "alice", "booking.confirmed", 4, "receiver down", deadAt), (listed.Id, listed.Recipient, listed.Kind, listed.Attempts, listed.LastError, listed.DeadAt));
        Assert.Empty((await notifications.ListAsync(Admin, new NotificationQuery { State = NotificationStates.Pending })).Value!);
        Assert.Equal(ErrorCodes.Forbidden, (await notifications.ListAsync(new Actor(Setup.UserId), new NotificationQuery { State = NotificationStates.Dead })).Problem?.Code);
        Assert.Equal(ErrorCodes.Forbidden, (await notifications.RetryAsync(new Actor(Setup.UserId), id)).Problem?.Code);

        // A retry puts it back to pending, due now with its attempts reset, and the receiver, up again, gets it once.
        var retried = (await notifications.RetryAsync(Admin, id)).Value!;
        Assert.Equal((NotificationStates.Pending, 0, harness.Clock.GetCurrentInstant(), (Instant?)null), (retried.State, retried.Attempts, retried.DueAt, retried.DeadAt));
        Assert.Equal(1, await Job(harness, up, options).RunAsync(CancellationToken.None));
        Assert.Equal(id, Assert.Single(up.Sent).Id);

        // Delivered: a retry is refused with notification.delivered; an unknown id is notification.not-found.
        Assert.Equal(ErrorCodes.NotificationDelivered, (await notifications.RetryAsync(Admin, id)).Problem?.Code);
        Assert.Equal(ErrorCodes.NotificationNotFound, (await notifications.RetryAsync(Admin, Guid.NewGuid())).Problem?.Code);
        Assert.Equal(id, Assert.Single((await notifications.ListAsync(Admin, new NotificationQuery { State = NotificationStates.Delivered })).Value!).Id);
    }

    [Fact]
    public async Task LastAttemptClaimedButNeverRecorded_DeadOnceTheClaimRunsOut_NotSentAgain()
    {
        await using var harness = await SiloHarness.StartAsync("outbox-abandoned");
        var id = (await Notices(harness, 1))[0];
        var outbox = new NotificationOutbox(harness.Database.DataSource);
        var options = new OutboxOptions { MaxAttempts = 2 };

        // Two deliverers in turn claim the notice and die before recording anything (it crashes them, say).
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal(attempt, Assert.Single((await outbox.ClaimDueAsync(harness.Clock.GetCurrentInstant(), options.BatchSize, options.ClaimFor)).Items).Attempts);
            Assert.Equal(0, await Job(harness, new RecordingSender(), options).RunAsync(CancellationToken.None));
            harness.Clock.Advance(options.ClaimFor + Duration.FromSeconds(1));
        }

        var sender = new RecordingSender();
        Assert.Equal(0, await Job(harness, sender, options).RunAsync(CancellationToken.None));
        Assert.Empty(sender.Sent);
        var dead = await outbox.GetAsync(id);
        Assert.Equal((NotificationStates.Dead, 2, "attempt 2 was never recorded (its claim ran out)"), (dead!.State, dead.Attempts, dead.LastError));
    }

    [Fact]
    public void ClaimDuration_CoversEveryDeliveryOfTheBatchAtItsTimeout()
    {
        var defaults = new OutboxOptions();
        Assert.True(defaults.ClaimFor >= Duration.FromTimeSpan(defaults.DeliveryTimeout * defaults.BatchSize) + Duration.FromTimeSpan(defaults.ClaimMargin));
        Assert.True(defaults.ClaimFor <= Duration.FromMinutes(5), "a crashed deliverer's notices wait no more than five minutes");

        var custom = new OutboxOptions { BatchSize = 200, DeliveryTimeout = TimeSpan.FromSeconds(10), ClaimMargin = TimeSpan.FromSeconds(30) };
        Assert.Equal(Duration.FromSeconds(200 * 10 + 30), custom.ClaimFor);
        Assert.Throws<InvalidOperationException>(() => new OutboxOptions { MaxAttempts = 0 }.Validate());
        Assert.Throws<InvalidOperationException>(() => new OutboxOptions { DeliveryTimeout = TimeSpan.Zero }.Validate());
    }

    [Fact]
    public void SiloSettings_ReachTheJob_AsQuartzMakesIt()
    {
        // As Program.cs reads them (Notifications__Outbox__* in the environment).
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifications:Outbox:BatchSize"] = "10", ["Notifications:Outbox:DeliveryTimeout"] = "00:00:05", ["Notifications:Outbox:MaxAttempts"] = "3",
        }).Build();
        var settings = configuration.GetSection("Notifications:Outbox").Get<OutboxOptions>();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddLogging();
        services.AddSingleton<IClock>(new NodaTime.Testing.FakeClock(Instant.FromUtc(2026, 11, 30, 0, 0)));
        LabScheduler.Silo.Hosting.SiloSetup.AddLabSchedulerServices(services, "Host=127.0.0.1;Database=unused");
        services.AddLabSchedulerJobs("Host=127.0.0.1;Database=unused", outbox: settings);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<OutboxOptions>();
        Assert.Equal((10, TimeSpan.FromSeconds(5), 3, Duration.FromSeconds(10 * 5 + 30)), (options.BatchSize, options.DeliveryTimeout, options.MaxAttempts, options.ClaimFor));
        Assert.NotNull(ActivatorUtilities.CreateInstance<OutboxDeliveryJob>(provider));
    }

    [Fact]
    public async Task SlowDeliveries_AreCutAtTheirTimeout_AndNoneStartsThatCouldOutliveTheClaim()
    {
        await using var harness = await SiloHarness.StartAsync("outbox-slow");
        var outbox = new NotificationOutbox(harness.Database.DataSource);

        // A receiver that never answers (and ignores cancellation) costs one timeout per notice, recorded as a failure.
        var hanging = (await Notices(harness, 1))[0];
        var quick = new OutboxOptions { BatchSize = 5, DeliveryTimeout = TimeSpan.FromMilliseconds(200), ClaimMargin = TimeSpan.Zero };
        Assert.Equal(0, await Job(harness, new HangingSender(), quick).RunAsync(CancellationToken.None));
        Assert.Equal("no answer within 0.2 s", await harness.Database.ScalarAsync<string>("SELECT last_error FROM notifications WHERE id = @id", ("id", hanging)));
        await harness.Database.ExecuteAsync("DELETE FROM notifications");

        // Deliveries that take 15 s each (on the clock) in a claim of 3 × 10 s: the third would end after the
        // claim, so it is not started and waits, still claimed, for the next claim after expiry.
        var ids = await Notices(harness, 3);
        var options = new OutboxOptions { BatchSize = 3, DeliveryTimeout = TimeSpan.FromSeconds(10), ClaimMargin = TimeSpan.Zero };
        var claim = await outbox.ClaimDueAsync(harness.Clock.GetCurrentInstant(), options.BatchSize, options.ClaimFor);
        var slow = new RecordingSender(onSend: () =>
        {
            harness.Clock.Advance(Duration.FromSeconds(15));
            return Task.CompletedTask;
        });
        Assert.Equal(2, await Job(harness, slow, options).DeliverAsync(claim, CancellationToken.None));
        Assert.Equal(1, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_at IS NULL AND claim_token = @t", ("t", claim.Token)));
        harness.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(1, await Job(harness, new RecordingSender(), options).RunAsync(CancellationToken.None));
        Assert.Equal(3, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_at IS NOT NULL AND id = ANY(@ids)", ("ids", ids.ToArray())));
    }

    [Fact]
    public async Task DueNotices_DeliveredOnce_RemindersOfCancelledBookingsSkipped_FailuresRetried()
    {
        await using var harness = await SiloHarness.StartAsync("outbox");
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(harness.Client);
        var instrument = harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var later = new Interval(Setup.Morning.Start + Duration.FromDays(3), Setup.Morning.End + Duration.FromDays(3));
        var kept = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, later))).Value!;
        var dropped = (await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(later.End, later.End + Duration.FromHours(1))))).Value!;
        await instrument.CancelAsync(Setup.User, dropped.Id, "no sample");

        // A receiver that is down: nothing is recorded as delivered, every row will be tried again.
        Assert.Equal(0, await Job(harness, new RecordingSender(fail: true)).RunAsync(CancellationToken.None));
        Assert.Equal(0, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_at IS NOT NULL"));

        // Later, it answers: the three immediate notices go out (2 confirmations, 1 cancellation), once.
        harness.Clock.Advance(Duration.FromMinutes(5));
        var sender = new RecordingSender();
        Assert.Equal(3, await Job(harness, sender).RunAsync(CancellationToken.None));
        Assert.Equal(0, await Job(harness, sender).RunAsync(CancellationToken.None));
        Assert.Equal(["booking.cancelled", "booking.confirmed", "booking.confirmed"], sender.Sent.Select(n => n.Kind).Order());

        // A day before the bookings, the reminder of the kept one goes out; the cancelled one's is skipped.
        harness.Clock.Reset(later.Start - Duration.FromHours(20));
        Assert.Equal(1, await Job(harness, sender).RunAsync(CancellationToken.None));
        Assert.Equal(kept.Id, sender.Sent.Last().BookingId);
        Assert.Equal("booking.reminder", sender.Sent.Last().Kind);
        Assert.Equal(1, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE skipped AND booking_id = @b", ("b", dropped.Id)));
        Assert.Equal(0, await harness.Database.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE delivered_at IS NULL"));
    }

    [Fact]
    public async Task WebhookSender_PostsTheNoticeAsJson_AndANon2xxIsAFailure()
    {
        var port = LoopbackPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var sender = new WebhookNotificationSender(http, new Uri($"http://127.0.0.1:{port}/hook/"));
        var notice = new OutboxItem(Guid.NewGuid(), "alice", "booking.confirmed", Guid.NewGuid(), """{"instrumentId":"xian-nmr-600"}""", 1, false);

        async Task<string> Receive(HttpStatusCode answer)
        {
            var context = await listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = (int)answer;
            context.Response.Close();
            return body;
        }

        var received = Receive(HttpStatusCode.NoContent);
        await sender.SendAsync(notice, CancellationToken.None);
        var json = JsonDocument.Parse(await received).RootElement;
        Assert.Equal("alice", json.GetProperty("userId").GetString());
        Assert.Equal("xian-nmr-600", json.GetProperty("payload").GetProperty("instrumentId").GetString());

        var refused = Receive(HttpStatusCode.InternalServerError);
        await Assert.ThrowsAsync<HttpRequestException>(() => sender.SendAsync(notice, CancellationToken.None));
        await refused;
    }

}
