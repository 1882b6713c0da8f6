using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// The last word on how long a stopping silo may take. The host gives its services
/// <c>HostOptions.ShutdownTimeout</c> to stop, but a service that does not heed its cancellation
/// (a job blocked on a database that is down, a storage call waiting for a connection) keeps the
/// process alive for as long as it likes. From the moment the host starts stopping, this waits
/// <see cref="ExitAfter"/>, then ends the process with exit code 143 (as a SIGTERM would), and kills
/// it outright should even that not finish. Nothing acknowledged is lost by this: a booking is
/// acknowledged only after it is stored.
/// </summary>
public sealed partial class ShutdownDeadline : IHostedService, IDisposable
{
    private readonly ILogger<ShutdownDeadline> _logger;
    private readonly CancellationTokenRegistration _stopping;
    private Timer? _exit;
    private Timer? _kill;

    /// <summary>Watches from construction, so a stop that comes while the silo is still starting is bounded too.</summary>
    public ShutdownDeadline(IHostApplicationLifetime lifetime, ILogger<ShutdownDeadline> logger, TimeSpan exitAfter)
    {
        _logger = logger;
        ExitAfter = exitAfter;
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            _exit = new Timer(_ => Exit(), null, ExitAfter, Timeout.InfiniteTimeSpan);
            _kill = new Timer(_ => Process.GetCurrentProcess().Kill(), null, ExitAfter + TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        });
    }

    public TimeSpan ExitAfter { get; }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Exit()
    {
        LogOverdue(_logger, ExitAfter.TotalSeconds);
        // Environment.Exit runs the process-exit handlers, which may wait on the stuck shutdown:
        // off the timer thread, so the kill timer still fires.
        new Thread(() => Environment.Exit(143)) { IsBackground = true, Name = "shutdown-deadline" }.Start();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _exit?.Dispose();
        _kill?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The silo did not finish stopping within {Seconds} s (a service did not heed its cancellation, e.g. waiting for PostgreSQL); exiting now")]
    private static partial void LogOverdue(ILogger logger, double seconds);
}
