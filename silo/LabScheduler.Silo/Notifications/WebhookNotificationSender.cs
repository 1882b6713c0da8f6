using System.Net.Http.Json;
using System.Text.Json;
using LabScheduler.Persistence.Notifications;

namespace LabScheduler.Silo.Notifications;

/// <summary>
/// POSTs each notification as JSON to a configured URL (Notifications:WebhookUrl). A non-2xx
/// answer or a network error leaves the notification for a later attempt.
/// </summary>
public sealed class WebhookNotificationSender(HttpClient http, Uri url) : INotificationSender
{
    public string Name => $"webhook:{url.Host}";

    public async Task SendAsync(OutboxItem notification, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(url, new
        {
            id = notification.Id,
            userId = notification.UserId,
            kind = notification.Kind,
            bookingId = notification.BookingId,
            payload = JsonDocument.Parse(notification.PayloadJson).RootElement,
        }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
