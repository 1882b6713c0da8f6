using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// Axe on every main screen, in English and in Persian (right to left): no serious or critical
/// violation anywhere. Each screen is opened as the role that uses it and checked once it shows
/// its content.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AccessibilityTests(WebFixture web)
{
    private sealed record Screen(string Name, string Path, Func<IPage, Task> Ready);

    private static readonly Screen[] Researcher =
    [
        new("slot finder", "/find", async p =>
        {
            await p.Locator("#cat").SelectOptionAsync("nmr");
            await p.Locator("form button.primary").ClickAsync();
            await p.GetByTestId("slot").First.WaitForAsync();
        }),
        new("booking dialog", "/find", async p =>
        {
            await p.Locator("#cat").SelectOptionAsync("nmr");
            await p.Locator("form button.primary").ClickAsync();
            await p.GetByTestId("slot").First.Locator("button").ClickAsync();
            await p.Locator("dialog[open] [data-testid=price]:not(:has(.muted))").WaitForAsync();
        }),
        new("schedule timeline", "/schedule", async p =>
        {
            await p.GetByTestId("view-zone").WaitForAsync();
            await p.Locator(".tl-row-head").First.WaitForAsync();
        }),
        new("schedule list", "/schedule", async p =>
        {
            await p.GetByTestId("view-zone").WaitForAsync();
            await p.Locator("input[type=radio][value=list]").CheckAsync();
            await p.Locator("section.card table").First.WaitForAsync();
        }),
        new("my bookings", "/bookings", p => p.Locator("h1").WaitForAsync()),
        new("phone check-in", "/i/dushanbe-xrd", p => p.GetByTestId("state").WaitForAsync()),
        new("approvals", "/manage/approvals", p => p.Locator("[data-testid=approval], [data-testid=no-approvals]").First.WaitForAsync()),
        new("opening hours and blackouts", "/manage/hours", p => p.GetByTestId("zone").WaitForAsync()),
        new("instruments and rules", "/manage/instruments", p => p.Locator("#rule-capacity").WaitForAsync()),
        new("training sign-offs", "/manage/training", p => p.GetByTestId("requires").WaitForAsync()),
        new("quotas and shares", "/manage/quotas", p => p.GetByTestId("quotas").Locator("tbody tr").First.WaitForAsync()),
        new("QR labels", "/manage/labels", p => p.GetByTestId("label").First.WaitForAsync()),
        new("lab usage", "/manage/usage", p => p.GetByTestId("usage-table").WaitForAsync()),
    ];

    private static readonly Screen[] Administrator =
    [
        new("dashboard", "/admin/dashboard", async p =>
        {
            await p.GetByTestId("util-table").Locator("tbody tr").First.WaitForAsync();
            await p.Locator(".chart svg").First.WaitForAsync();
        }),
        new("directory", "/admin/directory", p => p.Locator("table tbody tr").First.WaitForAsync()),
    ];

    [Theory]
    [InlineData("en", 1280)]
    [InlineData("fa", 1280)]
    [InlineData("fa", 360)]
    public async Task MainScreens_EnglishAndPersian_NoSeriousOrCriticalViolations(string language, int width)
    {
        var found = new List<string>();
        await CheckAsync("alice", Researcher, language, width, found);
        await CheckAsync("admin", Administrator, language, width, found);
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private async Task CheckAsync(string userId, Screen[] screens, string language, int width, List<string> found)
    {
        var page = await web.NewPageAsync(locale: language == "fa" ? "fa-IR" : "en-GB", width: width, height: width < 600 ? 740 : 900);
        await Steps.SignInAsync(page, userId, language);
        foreach (var screen in screens)
        {
            await page.GotoAsync(screen.Path);
            await screen.Ready(page);
            if (language == "fa")
            {
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
            }

            var axe = await page.RunAxe();
            found.AddRange(axe.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{language} {width}px {screen.Name}: {v.Id} ({v.Impact}) {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
        }

        await page.Context.CloseAsync();
    }
}
