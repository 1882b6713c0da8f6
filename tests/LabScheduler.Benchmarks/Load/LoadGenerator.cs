using System.Diagnostics;

namespace LabScheduler.Benchmarks.Load;

/// <summary>The outcome of a request: the HTTP status (0 when no answer came).</summary>
public delegate Task<int> Operation(int worker, CancellationToken cancellationToken);

/// <summary>A finished run: how long it took and what was recorded.</summary>
public sealed record RunResult(TimeSpan Elapsed, LatencyRecorder Latencies, int Late = 0)
{
    public double OpsPerSecond => Latencies.Count / Elapsed.TotalSeconds;
}

/// <summary>
/// Drives an operation in two ways. Closed loop: <c>workers</c> clients, each sending its next request
/// when the last one answered (throughput). Open loop: requests at a fixed rate whatever the answers,
/// each timed from when it was due, so a slow server cannot hide its latency by slowing the client
/// down (coordinated omission).
/// </summary>
public static class LoadGenerator
{
    /// <summary>A closed loop for <paramref name="duration"/>, or until <paramref name="until"/> is cancelled.</summary>
    public static async Task<RunResult> ClosedLoopAsync(int workers, TimeSpan duration, Operation operation, CancellationToken until = default)
    {
        var latencies = new LatencyRecorder();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(until);
        stop.CancelAfter(duration);
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                var status = await SafeAsync(operation, worker);
                latencies.Record(Stopwatch.GetElapsedTime(begin).TotalMilliseconds, status);
            }
        })));
        return new RunResult(started.Elapsed, latencies);
    }

    /// <summary>A fixed number of operations by <c>workers</c> clients (for setup and for bounded scenarios).</summary>
    public static async Task<RunResult> CountedAsync(int workers, int count, Operation operation)
    {
        var latencies = new LatencyRecorder();
        var next = -1;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var begin = Stopwatch.GetTimestamp();
                var status = await SafeAsync(operation, worker);
                latencies.Record(Stopwatch.GetElapsedTime(begin).TotalMilliseconds, status);
            }
        })));
        return new RunResult(started.Elapsed, latencies);
    }

    public static async Task<RunResult> OpenLoopAsync(double perSecond, TimeSpan duration, int maxInFlight, Operation operation)
    {
        var latencies = new LatencyRecorder();
        var inFlight = new List<Task>();
        var total = (int)(perSecond * duration.TotalSeconds);
        var late = 0;
        var running = 0;
        var started = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - started.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            if (Volatile.Read(ref running) >= maxInFlight)
            {
                // The server is this far behind: count the request as late rather than queue without bound.
                late++;
                latencies.Record((started.Elapsed - due).TotalMilliseconds, 0);
                continue;
            }

            var dueTicks = due;
            Interlocked.Increment(ref running);
            var worker = i;
            inFlight.Add(Task.Run(async () =>
            {
                var status = await SafeAsync(operation, worker);
                latencies.Record((started.Elapsed - dueTicks).TotalMilliseconds, status);
                Interlocked.Decrement(ref running);
            }));
        }

        await Task.WhenAll(inFlight);
        return new RunResult(started.Elapsed, latencies, late);
    }

    private static async Task<int> SafeAsync(Operation operation, int worker)
    {
        try
        {
            return await operation(worker, CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }
}
