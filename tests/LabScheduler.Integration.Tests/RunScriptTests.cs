using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LabScheduler.Integration.Tests.Api;
using LabScheduler.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// ./run.sh as an operator uses it: it honours the auth mode it is given and says which is on,
/// after a kill -9 of its whole process group it starts again at once (the killed gateway's port is
/// waited for, not reported as taken), and both topologies answer the API end to end: the default,
/// one process with the gateway co-hosted in the silo, and LABSCHED_TOPOLOGY=separate.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public void OidcModeWithoutAnAuthority_RefusesToStart_AndSaysWhy()
    {
        var data = Directory.CreateTempSubdirectory("labsched-run-").FullName;
        using var run = RunScript.Start(new() { ["Auth__Mode"] = "oidc", ["LABSCHED_SKIP_BUILD"] = "1", ["LABSCHED_DATA"] = data });
        Assert.True(run.Process.WaitForExit(TimeSpan.FromSeconds(60)), "run.sh did not exit");
        run.Process.WaitForExit(); // the timed wait does not wait for the redirected output to be read to its end
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Contains("Auth__Mode=oidc needs Auth__Authority and Auth__Audience", run.Output);
        Assert.DoesNotContain("auth mode: demo", run.Output);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task KilledWithItsProcessGroup_StartsAgainAtOnce()
    {
        await using var database = await TestDatabase.CreateAsync("runscript");
        var port = LoopbackPorts.Free();
        var data = Directory.CreateTempSubdirectory("labsched-run-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["LABSCHED_DB"] = database.ConnectionString, ["LABSCHED_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LABSCHED_DATA"] = data, ["LABSCHED_SKIP_BUILD"] = "1",
        };
        try
        {
            using (var first = RunScript.Start(environment))
            {
                await first.WaitUntilReadyAsync(port);
                Assert.Contains("auth mode: demo", first.Output);
                first.KillProcessGroup();
            }

            using var second = RunScript.Start(environment);
            await second.WaitUntilReadyAsync(port);
            Assert.DoesNotContain("already in use", second.Output);
            second.KillProcessGroup();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("cohosted")]
    [InlineData("separate")]
    public async Task EachTopology_BooksReadsBackAndReportsReadyAndMetrics(string topology)
    {
        await using var database = await TestDatabase.CreateAsync("runscript");
        var port = LoopbackPorts.Free();
        var data = Directory.CreateTempSubdirectory("labsched-run-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["LABSCHED_DB"] = database.ConnectionString, ["LABSCHED_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["LABSCHED_DATA"] = data, ["LABSCHED_SKIP_BUILD"] = "1",
        };
        if (topology == "separate")
        {
            environment["LABSCHED_TOPOLOGY"] = "separate";
        }

        try
        {
            using var run = RunScript.Start(environment);
            await run.WaitUntilReadyAsync(port);

            // The process answering on the port: the silo itself when co-hosted, else a gateway of its own.
            var listener = File.ReadAllText(Path.Combine(data, "gateway.pid")).Trim();
            var commandLine = File.ReadAllText($"/proc/{listener}/cmdline").Replace('\0', ' ');
            var dotnets = LabSchedulerProcesses(run.Process.Id);
            if (topology == "cohosted")
            {
                Assert.Contains("LabScheduler.Silo.dll", commandLine, StringComparison.Ordinal);
                Assert.Contains("--Gateway:CoHosted=true", commandLine, StringComparison.Ordinal);
                Assert.Equal(["LabScheduler.Silo.dll"], dotnets);
                Assert.False(File.Exists(Path.Combine(data, "gateway.log")));
            }
            else
            {
                Assert.Contains("LabScheduler.Gateway.dll", commandLine, StringComparison.Ordinal);
                Assert.Equal(["LabScheduler.Gateway.dll", "LabScheduler.Silo.dll"], dotnets);
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => (Ok: c.GetProperty("ok").GetBoolean(), Detail: c.GetProperty("detail").GetString()));
            Assert.True(checks["postgresql"].Ok);
            Assert.True(checks["cluster"].Ok);
            Assert.Equal(topology == "cohosted" ? "this silo: active" : "1 active silo(s)", checks["cluster"].Detail);

            // The demo data set (run.sh seeds it): alice books the Xi'an NMR for her team, then reads the booking back.
            var token = await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "alice" });
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
            var day = NextMonday(DateTime.UtcNow.Date.AddDays(14)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            // A separate gateway is ready once the silo is active, which may be before the silo's seeder has added alice to
            // her team: until then the booking is refused (403 auth.not-team-member), and asked again under a new key.
            HttpResponseMessage booked;
            string bookedBody;
            var seeded = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (true)
            {
                using var book = new HttpRequestMessage(HttpMethod.Post, "/api/v1/bookings")
                {
                    Content = JsonContent.Create(new { instrumentId = "xian-nmr-600", teamId = "tnu-catalysis", localStart = $"{day}T09:00", localEnd = $"{day}T10:00" }),
                };
                book.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                booked = await http.SendAsync(book);
                bookedBody = await booked.Content.ReadAsStringAsync();
                if (booked.StatusCode != HttpStatusCode.Forbidden || !bookedBody.Contains("auth.not-team-member", StringComparison.Ordinal) || DateTime.UtcNow > seeded)
                {
                    break;
                }

                await Task.Delay(500);
            }

            Assert.True(booked.StatusCode == HttpStatusCode.Created, bookedBody);
            var id = JsonDocument.Parse(bookedBody).RootElement.GetProperty("id").GetString();

            var read = await http.GetAsync(new Uri($"/api/v1/bookings/{id}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var booking = await read.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("confirmed", booking.GetProperty("status").GetString());
            Assert.Equal($"{day}T09:00:00+08:00", booking.GetProperty("lab").GetProperty("start").GetString());

            // A request is counted when its pipeline unwinds, which may be just after the client has the answer.
            IReadOnlyList<PrometheusSample> metrics = [];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            do
            {
                metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
            }
            while (!metrics.Any(m => m.Is("labsched_http_requests_total", ("method", "GET"), ("route", "/api/v1/bookings/{id}"), ("status", "200"))) && DateTime.UtcNow < deadline);

            Assert.Contains(metrics, m => m.Is("labsched_http_requests_total", ("method", "GET"), ("route", "/api/v1/bookings/{id}"), ("status", "200")));
            Assert.Contains(metrics, m => m.Is("labsched_bookings_total", ("outcome", "confirmed")) && m.Value >= 1);
            // The gateway's grain calls are timed in both topologies (co-hosted: by the silo's GatewayCallFilter).
            Assert.Contains(metrics, m => m.Name == "labsched_grain_call_duration_seconds_count" && m.Labels.GetValueOrDefault("grain", "").Contains("Instrument", StringComparison.Ordinal) && m.Value >= 1);
            // Orleans' own meters: the silo's when co-hosted (the silo's messaging), the client's otherwise.
            Assert.Contains(metrics, m => m.Name.StartsWith("orleans_", StringComparison.Ordinal));
            run.KillProcessGroup();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static DateTime NextMonday(DateTime day) => day.AddDays(((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7);

    /// <summary>The LabScheduler programs running in run.sh's session (its process group), by their dll.</summary>
    private static string[] LabSchedulerProcesses(int sessionLeader) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d =>
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(d, "stat"));
                    var group = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
                    return group == sessionLeader.ToString(CultureInfo.InvariantCulture) ? File.ReadAllText(Path.Combine(d, "cmdline")).Split('\0') : [];
                }
                catch (IOException)
                {
                    return [];
                }
            })
            .SelectMany(args => args.Select(Path.GetFileName).OfType<string>().Where(a => a.StartsWith("LabScheduler.", StringComparison.Ordinal) && a.EndsWith(".dll", StringComparison.Ordinal)).Take(1))
            .Order(StringComparer.Ordinal)];

    /// <summary>run.sh in a session of its own (so its process group can be killed as an operator's Ctrl-\ or kill -9 -PGID would).</summary>
    private sealed class RunScript : IDisposable
    {
        private readonly StringBuilder _output = new();

        private RunScript(Process process) => Process = process;

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static RunScript Start(Dictionary<string, string> environment)
        {
            var info = new ProcessStartInfo("setsid", ["bash", Path.Combine(Repository.Root, "run.sh")])
            {
                WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            };
            foreach (var (name, value) in environment)
            {
                info.Environment[name] = value;
            }

            var run = new RunScript(Process.Start(info) ?? throw new InvalidOperationException("run.sh did not start"));
            run.Process.OutputDataReceived += (_, e) => run.Append(e.Data);
            run.Process.ErrorDataReceived += (_, e) => run.Append(e.Data);
            run.Process.BeginOutputReadLine();
            run.Process.BeginErrorReadLine();
            return run;
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        public async Task WaitUntilReadyAsync(int port)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
            while (DateTime.UtcNow < deadline)
            {
                if (Process.HasExited)
                {
                    Process.WaitForExit(); // drains the redirected output
                    Assert.Fail($"run.sh exited ({Process.ExitCode}):\n{Output}");
                }

                try
                {
                    if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                }

                await Task.Delay(250);
            }

            Assert.Fail($"not ready within 180 s:\n{Output}");
        }

        /// <summary>SIGKILL to every process of the group (run.sh, the silo, the gateway): nothing gets to clean up.</summary>
        public void KillProcessGroup()
        {
            using var kill = Process.Start("kill", ["-KILL", "--", $"-{Process.Id}"]);
            kill!.WaitForExit();
            Process.WaitForExit();
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                KillProcessGroup();
            }

            Process.Dispose();
        }
    }
}
