using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LabScheduler.Testing;

/// <summary>
/// A child process whose output goes to a log file; stopped with SIGTERM, as an operator would, or
/// sent any signal a fault test needs (SIGKILL, SIGSTOP, SIGCONT).
/// </summary>
public sealed partial class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ManagedProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public static ManagedProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logFile)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(process, log);
    }

    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Sends <paramref name="signal"/> (Linux numbering) to the process.</summary>
    public void Signal(int signal) => _ = SendSignal(_process.Id, signal);

    /// <summary>SIGKILL, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            Signal(SigKill);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx; fails when the process exits or the deadline passes.</summary>
    public async Task WaitReadyAsync(HttpClient http, string url, TimeSpan timeout) =>
        (await WaitForAnswerAsync(http, url, r => r.IsSuccessStatusCode, timeout)).Dispose();

    /// <summary>
    /// Polls <paramref name="url"/> until an answer satisfies <paramref name="wanted"/> and returns
    /// that answer; fails when the process exits or the deadline passes.
    /// </summary>
    public async Task<HttpResponseMessage> WaitForAnswerAsync(HttpClient http, string url, Func<HttpResponseMessage, bool> wanted, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = "no answer";
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before {url} answered as wanted.");
            }

            try
            {
                var response = await http.GetAsync(url);
                if (wanted(response))
                {
                    return response;
                }

                last = $"{(int)response.StatusCode}";
                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or too busy starting to answer within the client's timeout
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{url} did not answer as wanted within {timeout.TotalSeconds} s (last: {last}).");
    }

    /// <summary>The exit code once the process has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>SIGTERM, and how long the process took to leave; null when it had not left within <paramref name="limit"/> (it still runs then).</summary>
    public async Task<TimeSpan?> TerminateAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        Signal(SigTerm);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return clock.Elapsed;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, then waits; SIGKILL if it has not left in <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        Signal(SigCont); // a paused process would never see the SIGTERM
        Signal(SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
