using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Persistence.Notifications;
using LabScheduler.Silo.Jobs;
using LabScheduler.Silo.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Delivery of the outbox: due notices go out once each and are recorded; a sender that fails
/// leaves them for a later attempt; a reminder of a booking cancelled in between is skipped; and
/// the webhook sender posts real HTTP to a listener on loopback.
/// </summary>
public sealed class OutboxDeliveryTests
{
    private sealed class RecordingSender(bool fail = false) : INotificationSender
    {
        public ConcurrentQueue<OutboxItem> Sent { get; } = new();

        public string Name => "recording";

        public Task SendAsync(OutboxItem notification, CancellationToken cancellationToken)
        {
            if (fail)
            {
                throw new HttpRequestException("receiver down");
            }

            Sent.Enqueue(notification);
            return Task.CompletedTask;
        }
    }

    private static OutboxDeliveryJob Job(SiloHarness harness, INotificationSender sender) =>
        new(new NotificationOutbox(harness.Database.DataSource), sender, harness.Clock, NullLogger<OutboxDeliveryJob>.Instance);

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
        var port = FreePort();
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

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
