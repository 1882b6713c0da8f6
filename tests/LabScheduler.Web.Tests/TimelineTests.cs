using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>Booking on the resource timeline with the mouse, and the price the dialog quotes per team.</summary>
[Collection(WebCollection.Name)]
public sealed class TimelineTests(WebFixture web)
{
    [Fact]
    public async Task Timeline_DragOverFreeTime_BooksExactlyThatIntervalAtTheTeamsPrice()
    {
        // An instrument of the test's own in Almaty (UTC+05:00), open around the clock:
        // internal 1,000 KZT an hour for Kazakh teams, external 3,000 for Tajik ones.
        var id = await Steps.NewInstrumentAsync(web, "almaty-cleanroom", "drag");
        var day = Steps.Day(13);
        var page = await web.NewPageAsync(width: 1400, height: 900);
        await Steps.SignInAsync(page, "alice");
        await page.GotoAsync("/schedule");
        await page.Locator("#sc-scope").SelectOptionAsync("lab:almaty-cleanroom");
        await page.Locator("#sc-date").FillAsync(day);
        await Assertions.Expect(page.GetByTestId("view-zone")).ToContainTextAsync("Asia/Almaty, UTC+05:00");

        // From the 10:00 boundary to the 12:00 boundary of the instrument's row, in lab time.
        var row = page.Locator(".tl-row-head", new() { HasText = $"Test drag {id[^8..]}" });
        await row.ScrollIntoViewIfNeededAsync();
        var ten = page.Locator(".tl-header .tl-slot", new() { HasText = "10:00" }).First;
        var noon = page.Locator(".tl-header .tl-slot", new() { HasText = "12:00" }).First;
        await noon.ScrollIntoViewIfNeededAsync();
        var y = await CenterYAsync(row);
        var x0 = (await ten.BoundingBoxAsync())!.X + 3;
        var x1 = (await noon.BoundingBoxAsync())!.X - 3;
        await page.Mouse.MoveAsync(x0, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((x0 + x1) / 2, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(x1, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        var dialog = page.Locator("dialog[open]");
        await Assertions.Expect(dialog.GetByTestId("lab-time")).ToContainTextAsync("10:00–12:00");
        await Assertions.Expect(dialog.GetByTestId("lab-time")).ToContainTextAsync("Asia/Almaty, UTC+05:00");
        await Assertions.Expect(dialog.GetByTestId("my-time")).ToContainTextAsync("10:00–12:00 (Asia/Dushanbe, UTC+05:00)");

        // The price follows the team chosen: the Catalysis group (TJ) pays the external rate, the Nanomaterials group (KZ) the internal one.
        await dialog.Locator("#bd-team").SelectOptionAsync("tnu-catalysis");
        await Assertions.Expect(dialog.GetByTestId("price")).ToContainTextAsync("external");
        await Assertions.Expect(dialog.GetByTestId("price")).ToContainTextAsync(Money(6000));
        await dialog.Locator("#bd-team").SelectOptionAsync("kaznu-nano");
        await Assertions.Expect(dialog.GetByTestId("price")).ToContainTextAsync("internal");
        await Assertions.Expect(dialog.GetByTestId("price")).ToContainTextAsync(Money(2000));
        await Steps.NoSeriousAxeViolationsAsync(page, "booking dialog from the timeline");

        await dialog.Locator("#bd-purpose").FillAsync("Dragged on the timeline");
        await dialog.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("booked")).ToBeVisibleAsync();

        using var alice = await web.ApiAs("alice");
        var list = await alice.GetFromJsonAsync<JsonElement>($"/api/v1/bookings?instrumentId={id}");
        var booking = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(($"{day}T10:00:00+05:00", $"{day}T12:00:00+05:00"), (booking.GetProperty("lab").GetProperty("start").GetString(), booking.GetProperty("lab").GetProperty("end").GetString()));
        Assert.Equal("kaznu-nano", booking.GetProperty("teamId").GetString());

        // The timeline shows it as the user's own.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Assertions.Expect(page.Locator(".tl-event.ls-mine")).ToHaveCountAsync(1);
    }

    private static async Task<float> CenterYAsync(ILocator locator)
    {
        var box = (await locator.BoundingBoxAsync())!;
        return box.Y + (box.Height / 2);
    }

    // As the page formats it (en: en-GB), e.g. "KZT 6,000.00".
    private static string Money(decimal amount) =>
        amount.ToString("#,0.00", CultureInfo.InvariantCulture);
}
