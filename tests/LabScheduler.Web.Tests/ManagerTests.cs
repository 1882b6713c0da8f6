using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class ManagerTests(WebFixture web)
{
    private static async Task SignInAsync(IPage page, string userId, string language = "en")
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    private static async Task<string> BookAsync(HttpClient api, string instrumentId, string teamId, string localStart, string localEnd)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new { instrumentId, teamId, localStart, localEnd, purpose = "web test" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await api.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static string Day(int daysAhead) => DateTime.UtcNow.Date.AddDays(daysAhead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void NoSeriousViolations(Deque.AxeCore.Commons.AxeResult axe) =>
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Nodes.FirstOrDefault()?.Html}"));

    [Fact]
    public async Task Approvals_ManagerApprovesPendingBooking_BadgeCountDrops()
    {
        var ivan = await web.ApiAs("ivan");
        var id = await BookAsync(ivan, "novosibirsk-krios", "nsu-biophysics", $"{Day(3)}T10:00", $"{Day(3)}T12:00");
        var olga = await web.ApiAs("olga");
        var before = (await olga.GetFromJsonAsync<JsonElement>("/api/v1/me/approvals/count")).GetProperty("pending").GetInt32();
        Assert.True(before >= 1);

        var page = await web.NewPageAsync();
        await SignInAsync(page, "olga");
        var badge = page.GetByTestId("badge-approvals");
        await Assertions.Expect(badge.Locator("[aria-hidden=true]")).ToHaveTextAsync(before.ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new("^Approvals") }).ClickAsync();
        var card = page.Locator($"[data-booking='{id}']");
        await Assertions.Expect(card).ToContainTextAsync("Asia/Novosibirsk");
        NoSeriousViolations(await page.RunAxe());
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);

        if (before == 1)
        {
            await Assertions.Expect(badge).ToHaveCountAsync(0);
        }
        else
        {
            await Assertions.Expect(badge.Locator("[aria-hidden=true]")).ToHaveTextAsync((before - 1).ToString(CultureInfo.InvariantCulture));
        }

        var booking = await olga.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}");
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Approvals_RejectWithReason_BookingRejected()
    {
        var ivan = await web.ApiAs("ivan");
        var id = await BookAsync(ivan, "novosibirsk-krios", "nsu-biophysics", $"{Day(4)}T14:00", $"{Day(4)}T16:00");
        var page = await web.NewPageAsync(locale: "fa-IR");
        await SignInAsync(page, "olga", "fa");
        await page.GotoAsync("/manage/approvals");
        var card = page.Locator($"[data-booking='{id}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        NoSeriousViolations(await page.RunAxe());
        await card.Locator("button").Nth(1).ClickAsync();
        await card.Locator("input").FillAsync("کالیبراسیون");
        await card.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var booking = await (await web.ApiAs("olga")).GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}");
        Assert.Equal("rejected", booking.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpeningHours_ManagerClosesADayAndADate_ScheduleShowsThemClosed()
    {
        var page = await web.NewPageAsync();
        await SignInAsync(page, "alice");
        await page.GotoAsync("/manage/hours");
        await page.Locator("#oh-instrument").SelectOptionAsync("dushanbe-xrd");
        await Assertions.Expect(page.GetByTestId("zone")).ToContainTextAsync("Asia/Dushanbe");

        // Monday: two intervals, 08:00–12:00 and 13:00–18:00; every other day as it was; one closed date.
        var monday = page.GetByTestId("day-monday");
        while (await monday.Locator(".interval").CountAsync() > 0)
        {
            await monday.Locator(".interval button").First.ClickAsync();
        }

        await monday.GetByRole(AriaRole.Button, new() { Name = "Add interval" }).ClickAsync();
        await monday.GetByRole(AriaRole.Button, new() { Name = "Add interval" }).ClickAsync();
        await monday.Locator(".interval").Nth(0).Locator("input").Nth(0).FillAsync("08:00");
        await monday.Locator(".interval").Nth(0).Locator("input").Nth(1).FillAsync("12:00");
        await monday.Locator(".interval").Nth(1).Locator("input").Nth(0).FillAsync("13:00");
        await monday.Locator(".interval").Nth(1).Locator("input").Nth(1).FillAsync("18:00");
        var closedDate = Day(9);
        await page.Locator("#oh-date").FillAsync(closedDate);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add closed date" }).ClickAsync();
        NoSeriousViolations(await page.RunAxe());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save opening hours" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=status], [role=alert]").First).ToContainTextAsync("Opening hours saved");

        var api = await web.ApiAs("alice");
        var hours = await api.GetFromJsonAsync<JsonElement>("/api/v1/instruments/dushanbe-xrd/opening-hours");
        var mondays = hours.GetProperty("weekly").EnumerateArray().Where(w => w.GetProperty("day").GetString() == "monday")
            .Select(w => $"{w.GetProperty("from").GetString()}-{w.GetProperty("to").GetString()}").ToList();
        Assert.Equal(["08:00-12:00", "13:00-18:00"], mondays);
        Assert.Contains(closedDate, hours.GetProperty("closedDates").EnumerateArray().Select(d => d.GetString()));

        // The closed date is closed all day in the lab's zone, with no free time.
        var schedule = await api.GetFromJsonAsync<JsonElement>($"/api/v1/schedule?instrumentIds=dushanbe-xrd&from={closedDate}&to={Day(10)}");
        var item = schedule.GetProperty("items")[0];
        Assert.Empty(item.GetProperty("free").EnumerateArray());
        Assert.Contains(item.GetProperty("closed").EnumerateArray(), c => c.GetProperty("kind").GetString() == "closed");

        // The timeline of that day (lab time) shades the instrument's whole row as closed, and says so in text.
        await page.GotoAsync("/schedule");
        await page.Locator("#sc-scope").SelectOptionAsync("lab:dushanbe-materials");
        await page.Locator("#sc-date").FillAsync(closedDate);
        await Assertions.Expect(page.GetByTestId("view-zone")).ToContainTextAsync("Asia/Dushanbe");
        var row = page.Locator(".tl-row[data-instrument=dushanbe-xrd]");
        await Assertions.Expect(row.Locator(".tl-bg.ls-closed").First).ToContainTextAsync("Closed");
        await Assertions.Expect(row.Locator(".tl-bg.ls-closed").First).ToHaveAttributeAsync("title", new Regex("^Closed"));
        await Assertions.Expect(row.Locator(".tl-event")).ToHaveCountAsync(0);
        var covered = await row.EvaluateAsync<double>(
            """
            (row) => {
              const lane = row.querySelector('.tl-body').getBoundingClientRect();
              const boxes = [...row.querySelectorAll('.tl-bg.ls-closed')].map((b) => b.getBoundingClientRect()).sort((a, b) => a.left - b.left);
              let covered = 0, end = lane.left;
              for (const b of boxes) { const from = Math.max(b.left, end); if (b.right > from) { covered += b.right - from; end = b.right; } }
              return covered / lane.width;
            }
            """);
        Assert.InRange(covered, 0.999, 1.001);
    }

    [Fact]
    public async Task Blackout_HittingABooking_ListsItAndCancelsItOnConfirm()
    {
        var olga = await web.ApiAs("olga");
        var id = await BookAsync(olga, "minsk-sem", "nsu-biophysics", $"{Day(5)}T10:00", $"{Day(5)}T11:00");

        var page = await web.NewPageAsync();
        await SignInAsync(page, "ivan");
        await page.GotoAsync("/manage/hours");
        await page.Locator("#oh-instrument").SelectOptionAsync("minsk-sem");
        await Assertions.Expect(page.GetByTestId("zone")).ToContainTextAsync("Europe/Minsk");
        await page.Locator("#bo-start").FillAsync($"{Day(5)}T09:00");
        await page.Locator("#bo-end").FillAsync($"{Day(5)}T12:00");
        await page.Locator("#bo-reason").FillAsync("Filament change");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add blackout" }).ClickAsync();

        var conflicts = page.GetByTestId("blackout-conflicts");
        await Assertions.Expect(conflicts.GetByTestId("conflict")).ToHaveCountAsync(1);
        await Assertions.Expect(conflicts.GetByTestId("conflict")).ToHaveAttributeAsync("data-booking", id);
        await Assertions.Expect(conflicts.GetByTestId("conflict")).ToContainTextAsync("10:00");
        Assert.Equal("confirmed", (await olga.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}")).GetProperty("status").GetString());

        await conflicts.GetByRole(AriaRole.Button, new() { NameRegex = new("^Cancel these bookings") }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("blackout").Filter(new() { HasText = "Filament change" })).ToHaveCountAsync(1);
        Assert.Equal("cancelled", (await olga.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}")).GetProperty("status").GetString());
    }
}
