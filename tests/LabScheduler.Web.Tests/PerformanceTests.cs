using LabScheduler.Testing;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LabScheduler.Web.Tests;

/// <summary>
/// Figures of the web app in this machine's Chromium, printed and not asserted (timings depend on
/// the machine): the first load of the app, the size of its JavaScript, and the time to render a
/// week's timeline of 50 instruments holding 500 bookings. Only the JavaScript budget (300 KB
/// gzip for every chunk together) is asserted, since it does not depend on the machine.
/// Run with: ./test.sh --filter "FullyQualifiedName~PerformanceTests" --logger "console;verbosity=detailed"
/// </summary>
[Collection(WebCollection.Name)]
public sealed class PerformanceTests(WebFixture web, ITestOutputHelper output)
{
    private const int Instruments = 50, BookingsEach = 10;

    [Fact]
    public async Task Figures_FirstLoadJavaScriptAndAWeeksTimeline_Printed()
    {
        var assets = Path.Combine(Repository.Root, "client", "LabScheduler.Gateway", "wwwroot", "assets");
        var all = Directory.GetFiles(assets, "*.js").ToDictionary(f => Path.GetFileName(f), GzipSize);

        // First load: a fresh browser, the sign-in page until its language picker shows.
        var page = await web.NewPageAsync(locale: "en-GB");
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/");
        await page.Locator("#lang").WaitForAsync();
        var firstLoad = clock.Elapsed.TotalMilliseconds;
        var navigation = await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].loadEventEnd");
        var loaded = await LoadedScriptsAsync(page);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first load: {firstLoad:0} ms to the sign-in page (load event at {navigation:0} ms); JavaScript loaded: {Kb(loaded.Sum(s => all[s]))} KB gzip in {loaded.Count} file(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JavaScript, every chunk: {Kb(all.Values.Sum())} KB gzip ({string.Join(", ", all.OrderByDescending(a => a.Value).Select(a => $"{a.Key} {Kb(a.Value)} KB"))})"));

        // A week's timeline of 50 instruments with 500 bookings.
        var (labId, sunday) = await SeedAsync();
        await Steps.SignInAsync(page, "alice");
        await page.GotoAsync("/schedule");
        await page.GetByTestId("view-zone").WaitForAsync();
        await page.Locator("#sc-span").SelectOptionAsync("week");
        await page.Locator("#sc-date").FillAsync(sunday);
        await page.GetByTestId("view-zone").WaitForAsync();

        // LABSCHED_WEB_PROFILE=<folder>: a Chromium CPU profile of the timeline's render (timeline.cpuprofile,
        // opens in Chromium's DevTools; build the app with `npx vite build --minify false` for readable names).
        var profileFolder = Environment.GetEnvironmentVariable("LABSCHED_WEB_PROFILE");
        var cdp = string.IsNullOrEmpty(profileFolder) ? null : await page.Context.NewCDPSessionAsync(page);
        if (cdp is not null)
        {
            await cdp.SendAsync("Profiler.enable");
            await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 200 });
            await cdp.SendAsync("Profiler.start");
        }

        var figures = await page.EvaluateAsync<JsonElement>(
            """
            async ([labId, expected]) => {
              const select = document.querySelector('#sc-scope');
              performance.clearResourceTimings();
              const t0 = performance.now();
              select.value = `lab:${labId}`;
              select.dispatchEvent(new Event('change', { bubbles: true }));
              await new Promise((resolve) => {
                const check = () => document.querySelectorAll('.tl-event.ls-mine').length >= expected ? resolve() : requestAnimationFrame(check);
                check();
              });
              const rendered = performance.now();
              const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/schedule')).pop();
              return { total: rendered - t0, api: api ? api.responseEnd - api.startTime : 0, events: document.querySelectorAll('.tl-event.ls-mine').length };
            }
            """, new object[] { labId, Instruments * BookingsEach });
        if (cdp is not null)
        {
            var profile = await cdp.SendAsync("Profiler.stop");
            Directory.CreateDirectory(profileFolder!);
            await File.WriteAllTextAsync(Path.Combine(profileFolder!, "timeline.cpuprofile"), profile!.Value.GetProperty("profile").GetRawText());
        }

        var total = figures.GetProperty("total").GetDouble();
        var api = figures.GetProperty("api").GetDouble();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"week timeline, {Instruments} instruments, {figures.GetProperty("events").GetInt32()} bookings: {total:0} ms from choosing the lab to all bookings drawn ({api:0} ms of it the /schedule request, {total - api:0} ms rendering)"));

        Assert.Equal(Instruments * BookingsEach, figures.GetProperty("events").GetInt32());
        Assert.True(all.Values.Sum() < 300 * 1024, $"all JavaScript is {Kb(all.Values.Sum())} KB gzip; the budget is 300 KB");
    }

    // A lab in Almaty with 50 instruments, each with 10 one-hour bookings by alice spread over the week from a Sunday.
    private async Task<(string LabId, string Sunday)> SeedAsync()
    {
        var labId = $"perf-{Guid.NewGuid().ToString("N")[..6]}";
        using var admin = await web.ApiAs("admin");
        await Steps.PostAsync(admin, "/api/v1/labs", new { id = labId, name = "Timeline load lab", hostInstitution = "Test", memberState = "KZ", timeZone = "Asia/Almaty", partnerStates = Array.Empty<string>() });
        var ids = Enumerable.Range(0, Instruments).Select(i => $"{labId}-i{i:00}").ToList();
        foreach (var chunk in ids.Chunk(5))
        {
            await Task.WhenAll(chunk.Select(id => Steps.PostAsync(admin, $"/api/v1/labs/{labId}/instruments", new
            {
                id, name = $"Bench {id[^2..]}", category = "load-bench", currency = "KZT", rates = new { @internal = 1, partner = 1, external = 1 }, rules = new { },
            })));
        }

        var start = DateTime.UtcNow.Date.AddDays(21);
        start = start.AddDays(-(int)start.DayOfWeek);
        using var alice = await web.ApiAs("alice");
        foreach (var chunk in ids.Chunk(4))
        {
            await Task.WhenAll(chunk.SelectMany(id => Enumerable.Range(0, BookingsEach).Select(j =>
            {
                var at = start.AddHours(2 + (j * 16));
                return Steps.BookAsync(alice, id, "kaznu-nano", Local(at), Local(at.AddHours(1)), "load");
            })));
        }

        return (labId, start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static string Local(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static async Task<List<string>> LoadedScriptsAsync(IPage page) =>
        [.. (await page.EvaluateAsync<string[]>("performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js'))"))
            .Select(url => Path.GetFileName(new Uri(url).AbsolutePath)).Distinct()];

    private static long GzipSize(string path)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            using var file = File.OpenRead(path);
            file.CopyTo(gzip);
        }

        return buffer.Length;
    }

    private static string Kb(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
