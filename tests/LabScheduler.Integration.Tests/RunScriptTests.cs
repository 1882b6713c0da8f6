using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LabScheduler.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// ./run.sh as an operator uses it: it honours the auth mode it is given and says which is on, and
/// after a kill -9 of its whole process group it starts again at once (the killed gateway's port is
/// waited for, not reported as taken).
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
