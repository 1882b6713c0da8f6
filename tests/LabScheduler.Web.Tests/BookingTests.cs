using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class BookingTests(WebFixture web)
{
    private static async Task SignInAsync(IPage page, string userId, string language = "en")
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    private static async Task<int> CountBookingsAsync(HttpClient api, string instrumentId, string start)
    {
        var from = Uri.EscapeDataString(start);
        var to = Uri.EscapeDataString(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(1).ToString("O"));
        var list = await api.GetFromJsonAsync<JsonElement>($"/api/v1/bookings?instrumentId={instrumentId}&from={from}&to={to}");
        return list.GetProperty("items").EnumerateArray().Count(b => b.GetProperty("status").GetString() is "confirmed" or "pending");
    }

    [Fact]
    public async Task BookingDialog_DoubleClick_MakesOneBooking()
    {
        var page = await web.NewPageAsync();
        await SignInAsync(page, "alice");
        await page.Locator("#cat").SelectOptionAsync("nmr");
        await page.Locator("#dur").FillAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var slot = page.GetByTestId("slot").Filter(new() { HasText = "delhi-nmr" }).First;
        await slot.GetByRole(AriaRole.Button, new() { Name = "Book" }).ClickAsync();

        var dialog = page.Locator("dialog[open]");
        await dialog.Locator("button[type=submit]").DblClickAsync();
        await Assertions.Expect(dialog.GetByTestId("booked")).ToBeVisibleAsync();


        using var api = await web.ApiAs("alice");
        var mine = await api.GetFromJsonAsync<JsonElement>("/api/v1/bookings?userId=alice&instrumentId=delhi-nmr-800");
        var starts = mine.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("start").GetString()).ToList();
        Assert.Single(starts);
        Assert.Equal(1, await CountBookingsAsync(api, "delhi-nmr-800", starts[0]!));

    }

    [Fact]
    public async Task InstrumentPage_SomeoneElsesBooking_ShowsNothingOfIt()
    {
        using var alice = await web.ApiAs("alice");
        var slots = await alice.GetFromJsonAsync<JsonElement>("/api/v1/slots?category=clean-room&durationMinutes=60&limit=1");
        var slot = slots.GetProperty("items")[0];
        var instrumentId = slot.GetProperty("instrumentId").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new
            {
                instrumentId, teamId = "kaznu-nano", start = slot.GetProperty("start").GetString(), end = slot.GetProperty("end").GetString(),
                purpose = "Secret wafer run 42",
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        (await alice.SendAsync(request)).EnsureSuccessStatusCode();

        // The booker sees their booking on the instrument's page...
        var own = await web.NewPageAsync(width: 360, height: 740);
        await SignInAsync(own, "alice");
        await own.GotoAsync($"/i/{instrumentId}");
        await Assertions.Expect(own.GetByTestId("my-booking")).ToBeVisibleAsync();

        // ...anyone else only whether it is busy or free.
        var other = await web.NewPageAsync(width: 360, height: 740);
        await SignInAsync(other, "ivan");
        await other.GotoAsync($"/i/{instrumentId}");
        await Assertions.Expect(other.GetByTestId("state")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("my-booking")).ToHaveCountAsync(0);
        var text = await other.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("Secret wafer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kaznu-nano", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Alisher", text, StringComparison.Ordinal);
    }
}
