using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class AdminTests(WebFixture web)
{
    private static async Task SignInAsync(IPage page, string userId, string language = "en")
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Dashboard_DownloadUtilizationCsv_TotalsEqualTheApi()
    {
        // Some booked time to count.
        var reza = await web.ApiAs("reza");
        var day = DateTime.UtcNow.Date.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new { instrumentId = "tehran-ms-qtof", teamId = "iisc-proteomics", localStart = $"{day}T10:00", localEnd = $"{day}T12:00", purpose = "csv" }),
        })
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            (await reza.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var page = await web.NewPageAsync();
        await SignInAsync(page, "admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Utilization" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("util-table").Locator("tbody tr").First).ToBeVisibleAsync();
        var from = await page.Locator("#d-from").InputValueAsync();
        var to = await page.Locator("#d-to").InputValueAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("util-csv").ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("key,openMinutes,bookedMinutes,usedMinutes", lines[0], StringComparison.Ordinal);
        long Sum(int column) => lines.Skip(1).Sum(l => long.Parse(l.Split(',')[column], CultureInfo.InvariantCulture));

        var admin = await web.ApiAs("admin");
        var report = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/reports/utilization?from={from}&to={to}&groupBy=instrument");
        var items = report.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, lines.Count - 1);
        Assert.Equal(items.Sum(i => i.GetProperty("openMinutes").GetInt64()), Sum(1));
        Assert.Equal(items.Sum(i => i.GetProperty("bookedMinutes").GetInt64()), Sum(2));
        Assert.Equal(items.Sum(i => i.GetProperty("usedMinutes").GetInt64()), Sum(3));
        Assert.True(Sum(2) >= 120);

        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Nodes.FirstOrDefault()?.Html}"));
    }

    [Fact]
    public async Task Dashboard_Persian_RightToLeftWithoutSeriousAxeViolations()
    {
        var page = await web.NewPageAsync(locale: "fa-IR");
        await SignInAsync(page, "admin", "fa");
        await page.GotoAsync("/admin/dashboard");
        await Assertions.Expect(page.GetByTestId("util-table").Locator("tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Nodes.FirstOrDefault()?.Html}"));
    }
}
