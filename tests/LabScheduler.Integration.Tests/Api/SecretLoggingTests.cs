using System.Collections.Concurrent;
using LabScheduler.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>The database password reaches the gateway from its connection string or a file and never its logs.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecretLoggingTests(ApiFixture api)
{
    private const string Password = "s3cret-Pa55word-never-logged";

    [Fact]
    public async Task GatewayStartup_WithAPasswordInTheConnectionString_LogsTheDatabaseWithoutThePassword()
    {
        var withPassword = new NpgsqlConnectionStringBuilder(api.Harness.Options.ConnectionString) { Password = Password }.ConnectionString;

        var logs = await StartupLogs(new Dictionary<string, string> { ["ConnectionStrings:LabScheduler"] = withPassword });

        Assert.DoesNotContain(logs, l => l.Contains(Password, StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("Database ", StringComparison.Ordinal) && l.Contains("Password=***", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GatewayStartup_WithThePasswordInAFile_UsesItAndNeverLogsIt()
    {
        var file = Path.Combine(Path.GetTempPath(), $"labsched-pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, Password + "\n");
        try
        {
            var logs = await StartupLogs(new Dictionary<string, string> { [DatabaseConnection.PasswordFileKey] = file });

            Assert.DoesNotContain(logs, l => l.Contains(Password, StringComparison.Ordinal));
            Assert.Contains(logs, l => l.StartsWith("Database ", StringComparison.Ordinal) && l.Contains("Password=***", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Redact_HidesPasswordAndSslPassword_AndKeepsTheRest()
    {
        var redacted = DatabaseConnection.Redact($"Host=db.example;Username=labsched;Password={Password};SSL Password=key-{Password};Database=labsched");

        Assert.DoesNotContain(Password, redacted, StringComparison.Ordinal);
        Assert.Contains("Host=db.example", redacted, StringComparison.Ordinal);
        Assert.Contains("Database=labsched", redacted, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<string>> StartupLogs(IReadOnlyDictionary<string, string> settings)
    {
        var capture = new CapturingLoggerProvider();
        await using var gateway = api.NewGateway(settings).WithWebHostBuilder(web => web.ConfigureLogging(l => l.AddProvider(capture).SetMinimumLevel(LogLevel.Debug)));
        using var http = gateway.CreateClient();
        Assert.True((await http.GetAsync("/health/ready")).IsSuccessStatusCode);
        return [.. capture.Lines];
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
