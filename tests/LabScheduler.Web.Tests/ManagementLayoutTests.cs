using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// The managers' and administrators' main screens on a 360-px phone and on a desktop, in English
/// and another language: nothing scrolls sideways (tables scroll inside their own box). With
/// LABSCHED_SCREENSHOTS set to a folder, each screen is also saved there as a PNG (docs/screenshots).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ManagementLayoutTests(WebFixture web)
{
    private static readonly string[] Languages = ["en", "ru", "zh-CN", "fa"];

    private static readonly string? ShotsDir = Environment.GetEnvironmentVariable("LABSCHED_SCREENSHOTS");

    [Theory]
    [InlineData("en", 360)]
    [InlineData("fa", 360)]
    [InlineData("en", 1280)]
    [InlineData("ru", 1280)]
    [InlineData("zh-CN", 1280)]
    [InlineData("fa", 1280)]
    public async Task ManagementScreens_PhoneAndDesktop_NoSidewaysScroll(string language, int width)
    {
        var page = await web.NewPageAsync(locale: language, width: width, height: width < 600 ? 740 : 860);
        var tag = $"{(language == "zh-CN" ? "zh" : language)}-{(width < 600 ? "phone" : "desktop")}";

        // One pending booking on the Novosibirsk cryo-EM (requires approval) for the approvals queue.
        var day = DateTime.UtcNow.Date.AddDays(20 + (Array.IndexOf(Languages, language) * 2) + (width < 600 ? 1 : 0))
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { instrumentId = "novosibirsk-krios", teamId = "nsu-biophysics", localStart = $"{day}T10:00", localEnd = $"{day}T12:00", purpose = "Apoferritin grid screening" }),
        })
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            (await (await web.ApiAs("ivan")).SendAsync(request)).EnsureSuccessStatusCode();
        }

        await SignInAsync(page, "olga", language);
        await page.GotoAsync("/manage/approvals");
        await Assertions.Expect(page.GetByTestId("approval").First).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-approvals", width);

        await page.GotoAsync("/manage/hours");
        await Assertions.Expect(page.GetByTestId("zone")).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-opening-hours", width);

        var admin = await web.NewPageAsync(locale: language, width: width, height: width < 600 ? 740 : 860);
        await SignInAsync(admin, "admin", language);
        await admin.GotoAsync("/admin/dashboard");
        await Assertions.Expect(admin.GetByTestId("util-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await admin.Locator(".chart svg").First.WaitForAsync();
        await CheckAsync(admin, $"{tag}-dashboard", width);
    }

    private static async Task SignInAsync(IPage page, string userId, string language)
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    private static async Task CheckAsync(IPage page, string name, int width)
    {
        if (ShotsDir is not null)
        {
            Directory.CreateDirectory(ShotsDir);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ShotsDir, $"{name}.png"), FullPage = width < 600 });
        }

        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{name}: the page is {scrollWidth} px wide on a {width}-px screen");
    }
}
