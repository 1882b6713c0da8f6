using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace LabScheduler.Web.Tests;

/// <summary>
/// The lab managers' instrument screens end to end: rules (with a rules.conflict), training
/// sign-offs, team quotas and member-state shares, QR labels and the lab's usage. Each test that
/// changes rules works on an instrument of its own, made through the API.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ManagerInstrumentTests(WebFixture web)
{
    [Fact]
    public async Task Rules_CapacityLoweredUnderOverlappingBookings_ListsThemAndCancelsOneOnConfirm()
    {
        var id = await Steps.NewInstrumentAsync(web, "almaty-cleanroom", "bay", new { capacity = 2 });
        using var alice = await web.ApiAs("alice");
        var first = await Steps.BookAsync(alice, id, "kaznu-nano", $"{Steps.Day(6)}T10:00", $"{Steps.Day(6)}T12:00", "Wafer A");
        var second = await Steps.BookAsync(alice, id, "kaznu-nano", $"{Steps.Day(6)}T11:00", $"{Steps.Day(6)}T13:00", "Wafer B");

        var page = await web.NewPageAsync();
        await Steps.SignInAsync(page, "dana");
        await page.GotoAsync("/manage/instruments");
        await page.Locator("#mi-instrument").SelectOptionAsync(id);
        await Assertions.Expect(page.Locator("#rule-capacity")).ToHaveValueAsync("2");
        await Assertions.Expect(page.GetByTestId("zone")).ToContainTextAsync("Asia/Almaty");

        // A rule out of range is refused with the field named.
        await page.Locator("#rule-slotMinutes").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save instrument" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("rules.slotMinutes");

        // One seat for two overlapping bookings: one of them would break it.
        await page.Locator("#rule-slotMinutes").FillAsync("30");
        await page.Locator("#rule-capacity").FillAsync("1");
        await page.Locator("#rule-requiresApproval").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save instrument" }).ClickAsync();
        var conflicts = page.GetByTestId("rules-conflicts");
        await Assertions.Expect(conflicts.GetByTestId("conflict")).ToHaveCountAsync(1);
        var hit = await conflicts.GetByTestId("conflict").GetAttributeAsync("data-booking");
        Assert.Contains(hit, new[] { first, second });
        await Assertions.Expect(conflicts.GetByTestId("conflict")).ToContainTextAsync("kaznu-nano");
        await Steps.NoSeriousAxeViolationsAsync(page, "rules conflict");
        using var dana = await web.ApiAs("dana");
        Assert.Equal(2, (await dana.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{id}")).GetProperty("rules").GetProperty("capacity").GetInt32());

        await conflicts.GetByRole(AriaRole.Button, new() { Name = "Cancel these bookings and save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Instrument saved");
        var rules = (await dana.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{id}")).GetProperty("rules");
        Assert.Equal((1, 30, true), (rules.GetProperty("capacity").GetInt32(), rules.GetProperty("slotMinutes").GetInt32(), rules.GetProperty("requiresApproval").GetBoolean()));
        Assert.Equal("cancelled", (await dana.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{hit}")).GetProperty("status").GetString());
        var kept = hit == first ? second : first;
        Assert.Equal("confirmed", (await dana.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{kept}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Training_ManagerSignsOffAndRevokes_BookingFollowsTheSignOff()
    {
        var id = await Steps.NewInstrumentAsync(web, "almaty-cleanroom", "litho", new { requiresAuthorization = true });
        using var alice = await web.ApiAs("alice");

        var page = await web.NewPageAsync(locale: "ru-RU");
        await Steps.SignInAsync(page, "dana", "ru");
        await page.GotoAsync("/manage/training");
        await page.Locator("#tr-instrument").SelectOptionAsync(id);
        await Assertions.Expect(page.GetByTestId("requires")).ToContainTextAsync("нужен допуск");
        await page.Locator("#tr-user").FillAsync("alice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Допустить" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-off").Locator("[data-user='alice']")).ToBeVisibleAsync();
        await Steps.NoSeriousAxeViolationsAsync(page, "training (ru)");

        var booked = await Steps.BookAsync(alice, id, "kaznu-nano", $"{Steps.Day(7)}T09:00", $"{Steps.Day(7)}T10:00");
        Assert.False(string.IsNullOrEmpty(booked));

        await page.GetByTestId("signed-off").Locator("[data-user='alice'] button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-off").Locator("[data-user='alice']")).ToHaveCountAsync(0);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new { instrumentId = id, teamId = "kaznu-nano", localStart = $"{Steps.Day(7)}T11:00", localEnd = $"{Steps.Day(7)}T12:00" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var refused = await alice.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("auth.not-authorized-on-instrument", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Quotas_ManagerSetsTeamQuotaAndShares_BookingBeyondQuotaRefusedAndMonthShowsShares()
    {
        var id = await Steps.NewInstrumentAsync(web, "almaty-cleanroom", "etch");
        var page = await web.NewPageAsync();
        await Steps.SignInAsync(page, "dana");
        await page.GotoAsync("/manage/quotas");
        await page.Locator("#q-instrument").SelectOptionAsync(id);

        // Every team is listed, none with a quota yet; the Catalysis group gets 1.5 hours a month.
        var row = page.GetByTestId("quotas").Locator("tr[data-team='tnu-catalysis']");
        await Assertions.Expect(row.GetByTestId("current")).ToHaveTextAsync("none");
        await Assertions.Expect(page.GetByTestId("quotas").Locator("tbody tr")).ToHaveCountAsync(5);
        await row.Locator("input").FillAsync("1.5");
        await row.GetByRole(AriaRole.Button, new() { Name = "Set" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("current")).ToHaveTextAsync("1.5 h per month");

        using var alice = await web.ApiAs("alice");
        var month = Steps.Day(8)[..7];
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
        {
            Content = JsonContent.Create(new { instrumentId = id, teamId = "tnu-catalysis", localStart = $"{Steps.Day(8)}T09:00", localEnd = $"{Steps.Day(8)}T11:00" }),
        })
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var refused = await alice.SendAsync(request);
            Assert.Equal("quota.exceeded", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        // Shares: Kazakhstan 60 %, everyone else 40 %, hard.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a share" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a share" }).ClickAsync();
        await page.Locator("#sh-key-0").FillAsync("kz");
        await page.Locator("#sh-pct-0").FillAsync("60");
        await page.Locator("#sh-key-1").FillAsync("*");
        await page.Locator("#sh-pct-1").FillAsync("40");
        await page.Locator("#sh-hard").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save shares" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Shares saved");
        await page.Locator("#sh-month").FillAsync(month);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("shares").Locator("tr[data-share='KZ']")).ToContainTextAsync("60");
        await Assertions.Expect(page.GetByTestId("shares").Locator("tr[data-share='*']")).ToContainTextAsync("40");
        await Steps.NoSeriousAxeViolationsAsync(page, "quotas and shares");

        using var dana = await web.ApiAs("dana");
        var rules = (await dana.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{id}")).GetProperty("rules");
        Assert.True(rules.GetProperty("sharesHard").GetBoolean());
        Assert.Equal(60, rules.GetProperty("shares").GetProperty("KZ").GetInt32());
        var shares = await dana.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{id}/shares?month={month}");
        var kz = shares.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "KZ");
        var entitledHours = (kz.GetProperty("entitledMinutes").GetInt64() / 60.0).ToString("#,0.##", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("shares").Locator("tr[data-share='KZ'] td").Nth(1)).ToHaveTextAsync(entitledHours);
    }

    [Fact]
    public async Task Quotas_TeamsOfTheInstrument_OnlyForItsManagers()
    {
        using var wei = await web.ApiAs("wei");
        using var response = await wei.GetAsync("/api/v1/instruments/almaty-cleanroom-iso5/quotas");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var dana = await web.ApiAs("dana");
        var page = await dana.GetFromJsonAsync<JsonElement>("/api/v1/instruments/almaty-cleanroom-iso5/quotas?limit=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Labels_ManagerPrints_OneCodePerInstrumentPointingAtItsPhonePage()
    {
        var page = await web.NewPageAsync();
        await Steps.SignInAsync(page, "olga");
        await page.GotoAsync("/manage/labels");
        var label = page.GetByTestId("label").And(page.Locator("[data-instrument='novosibirsk-krios']"));
        await Assertions.Expect(label).ToHaveAttributeAsync("data-url", $"{web.BaseUrl}/i/novosibirsk-krios");
        await Assertions.Expect(label).ToContainTextAsync("Titan Krios G4 cryo-EM");
        var path = await label.Locator("svg path").GetAttributeAsync("d");
        Assert.True(path!.Length > 200, "the QR code has modules");
        await Steps.NoSeriousAxeViolationsAsync(page, "labels");

        // Printing shows the labels and nothing of the app around them.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator("header.top")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print labels" })).ToBeHiddenAsync();
        await Assertions.Expect(label).ToBeVisibleAsync();

        // The address on the label is the phone page of the instrument.
        await page.EmulateMediaAsync(new() { Media = Media.Screen });
        await page.GotoAsync(new Uri((await label.GetAttributeAsync("data-url"))!).PathAndQuery);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Titan Krios G4 cryo-EM");
    }

    [Fact]
    public async Task Usage_ManagerOpensTheLabsUsage_BookedHoursEqualTheReport()
    {
        using var ivan = await web.ApiAs("ivan");
        await Steps.BookAsync(ivan, "minsk-sem", "nsu-biophysics", $"{Steps.Day(11)}T14:00", $"{Steps.Day(11)}T16:30");

        var page = await web.NewPageAsync();
        await Steps.SignInAsync(page, "ivan");
        await page.GotoAsync("/manage/usage");
        await Assertions.Expect(page.GetByTestId("zone")).ToContainTextAsync("Europe/Minsk");
        var (from, to) = (Steps.Day(0), Steps.Day(40));
        await page.Locator("#u-from").FillAsync(from);
        await page.Locator("#u-to").FillAsync(to);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).First.ClickAsync();
        var table = page.GetByTestId("usage-table");
        await Assertions.Expect(table.Locator("tbody tr[data-key]")).ToHaveCountAsync(1);
        var report = await ivan.GetFromJsonAsync<JsonElement>($"/api/v1/reports/utilization?from={from}&to={to}&groupBy=instrument&labId=minsk-microscopy");
        var sem = report.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("minsk-sem", sem.GetProperty("key").GetString());
        Assert.True(sem.GetProperty("bookedMinutes").GetInt64() >= 150);
        var booked = (sem.GetProperty("bookedMinutes").GetInt64() / 60.0).ToString("#,0.#", CultureInfo.InvariantCulture);
        await Assertions.Expect(table.Locator("tr[data-key='minsk-sem']").GetByTestId("booked")).ToHaveTextAsync(booked);
        await page.Locator(".chart svg").First.WaitForAsync();
        await Steps.NoSeriousAxeViolationsAsync(page, "lab usage");
    }
}
