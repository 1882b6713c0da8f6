using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>Steps the browser tests share: signing in through the page, and arranging data through the API.</summary>
internal static class Steps
{
    /// <summary>Signs in with demo mode's user picker, in the given language.</summary>
    public static async Task SignInAsync(IPage page, string userId, string language = "en")
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    /// <summary>A date this many days ahead (UTC), as yyyy-MM-dd.</summary>
    public static string Day(int daysAhead) => DateTime.UtcNow.Date.AddDays(daysAhead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>POST with a fresh Idempotency-Key; the answer's body, asserted successful.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A booking in the lab's local time; its id.</summary>
    public static async Task<string> BookAsync(HttpClient api, string instrumentId, string teamId, string localStart, string localEnd, string purpose = "web test") =>
        (await PostAsync(api, "/api/v1/bookings", new { instrumentId, teamId, localStart, localEnd, purpose })).GetProperty("id").GetString()!;

    /// <summary>A new instrument of the test's own (open around the clock), so that its rules can change without touching other tests' instruments.</summary>
    public static async Task<string> NewInstrumentAsync(WebFixture web, string labId, string prefix, object? rules = null)
    {
        var id = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        using var admin = await web.ApiAs("admin");
        await PostAsync(admin, $"/api/v1/labs/{labId}/instruments", new
        {
            id, name = $"Test {prefix} {id[^8..]}", category = "test-bench", currency = "KZT",
            rates = new { @internal = 1000, partner = 1500, external = 3000 },
            rules = rules ?? new { },
        });
        return id;
    }

    /// <summary>Axe on the page as it stands: no serious or critical violations.</summary>
    public static async Task NoSeriousAxeViolationsAsync(IPage page, string screen)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{screen}: {v.Id} ({v.Impact}): {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }
}
