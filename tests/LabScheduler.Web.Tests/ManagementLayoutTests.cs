using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// The managers' and administrators' main screens on a 360-px phone and on a desktop, in English
/// and another language: nothing scrolls sideways, and no table is cut off (a wide table scrolls
/// inside its own box). With
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

        await page.GotoAsync("/manage/instruments");
        await Assertions.Expect(page.Locator("#rule-capacity")).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-instrument-rules", width);

        await page.GotoAsync("/manage/training");
        await Assertions.Expect(page.GetByTestId("requires")).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-training", width);

        await page.GotoAsync("/manage/quotas");
        await Assertions.Expect(page.GetByTestId("quotas").Locator("tbody tr").First).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-quotas-shares", width);

        await page.GotoAsync("/manage/labels");
        await Assertions.Expect(page.GetByTestId("label").First).ToBeVisibleAsync();
        await CheckAsync(page, $"{tag}-qr-labels", width);

        await page.GotoAsync("/manage/usage");
        await Assertions.Expect(page.GetByTestId("usage-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await page.Locator(".chart svg").First.WaitForAsync();
        await CheckAsync(page, $"{tag}-lab-usage", width);

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

        // No table is cut off: each sits in a box that scrolls sideways as far as the table is wide.
        var clipped = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('main table')].flatMap((table) => {
              const box = table.closest('.scroll-box');
              if (!box) return table.offsetWidth > document.querySelector('main').clientWidth ? [`a table ${table.offsetWidth} px wide outside a scroll box`] : [];
              const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
              return scrolls && box.scrollWidth >= table.offsetWidth ? [] : [`a table ${table.offsetWidth} px wide in a box that shows ${box.clientWidth} px`];
            })
            """);
        Assert.True(clipped.Length == 0, $"{name}: {string.Join("; ", clipped)}");
    }
}
