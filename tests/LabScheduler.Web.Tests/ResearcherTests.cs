using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class ResearcherTests(WebFixture web)
{
    private static async Task SignInAsync(IPage page, string userId, string language)
    {
        await page.GotoAsync("/");
        await page.Locator("#lang").SelectOptionAsync(language);
        await page.Locator($"button[data-user='{userId}']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SlotFinder_ResearcherInDushanbeInRussian_BooksXianNmrWithBothTimesLabelled()
    {
        var page = await web.NewPageAsync(locale: "ru-RU");
        await SignInAsync(page, "alice", "ru");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Поиск свободного времени во всех лабораториях");
        await page.Locator("#cat").SelectOptionAsync("nmr");
        await page.Locator("#ms").FillAsync("CN");
        await page.GetByRole(AriaRole.Button, new() { Name = "Найти" }).ClickAsync();

        var slot = page.GetByTestId("slot").Filter(new() { HasText = "xian-nmr" }).First;
        await Assertions.Expect(slot.GetByTestId("lab-time")).ToContainTextAsync("Asia/Shanghai, UTC+08:00");
        await Assertions.Expect(slot.GetByTestId("my-time")).ToContainTextAsync("Asia/Dushanbe, UTC+05:00");

        await slot.GetByRole(AriaRole.Button, new() { Name = "Забронировать" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await Assertions.Expect(dialog.GetByTestId("lab-time")).ToContainTextAsync("Asia/Shanghai");
        await dialog.Locator("#bd-purpose").FillAsync("HSQC of catalyst batch 7");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Забронировать" }).ClickAsync();
        await Assertions.Expect(dialog.GetByTestId("booked")).ToContainTextAsync("Забронировано");

        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id).ToList();
        Assert.Empty(serious);
    }

    [Fact]
    public async Task Shell_Persian_PageIsRightToLeft()
    {
        var page = await web.NewPageAsync(locale: "fa-IR");
        await SignInAsync(page, "alice", "fa");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fa");
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));
    }
}
