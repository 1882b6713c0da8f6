using System.Net;
using System.Text.Json;
using LabScheduler.Silo.Hosting;
using LabScheduler.Testing;
using Microsoft.Extensions.Configuration;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The silo's own probes (Health__Port), as an orchestrator uses them: the silo process is started
/// as in production, its database reached through a link the test can cut.
/// </summary>
public sealed class SiloHealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Probes_AreReadyWhenActive_NotReadyWhileTheDatabaseIsCut_AndLiveThroughout()
    {
        await using var database = await TestDatabase.CreateAsync("silohealth");
        await using var relay = TcpRelay.ToPostgres(database.ConnectionString);
        var healthPort = LoopbackPorts.Free();
        var logFile = Path.Combine(Path.GetTempPath(), $"silohealth-{Guid.NewGuid():N}.log");
        await using var silo = ManagedProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "LabScheduler.Silo.dll")], new Dictionary<string, string>
        {
            ["ConnectionStrings__LabScheduler"] = relay.Through(database.ConnectionString),
            ["Orleans__ClusterId"] = $"health-{Guid.NewGuid():N}"[..16],
            ["Orleans__SiloPort"] = $"{LoopbackPorts.Free()}",
            ["Orleans__GatewayPort"] = $"{LoopbackPorts.Free()}",
            ["Health__Port"] = $"{healthPort}",
            ["Health__Address"] = "127.0.0.1",
            ["Seed__Demo"] = "false",
            ["DOTNET_ENVIRONMENT"] = "Production",
        }, AppContext.BaseDirectory, logFile);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var live = $"http://127.0.0.1:{healthPort}/health/live";
        var ready = $"http://127.0.0.1:{healthPort}/health/ready";

        using (var answer = await silo.WaitForAnswerAsync(http, ready, r => r.StatusCode == HttpStatusCode.OK, Patience))
        {
            var report = await Report(answer);
            Assert.Equal("ready", report.GetProperty("status").GetString());
            Assert.Contains(report.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "membership" && c.GetProperty("detail").GetString() == "active");
        }

        relay.Cut();
        using (var answer = await silo.WaitForAnswerAsync(http, ready, r => r.StatusCode == HttpStatusCode.ServiceUnavailable, Patience))
        {
            Assert.Equal("5", answer.Headers.RetryAfter?.ToString());
            var report = await Report(answer);
            Assert.Equal("not-ready", report.GetProperty("status").GetString());
            var postgres = report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgresql");
            Assert.False(postgres.GetProperty("ok").GetBoolean());
            Assert.DoesNotContain("Exception", await answer.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        // A database outage is not a reason to restart the silo.
        using (var answer = await http.GetAsync(live))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        relay.Restore();
        (await silo.WaitForAnswerAsync(http, ready, r => r.StatusCode == HttpStatusCode.OK, Patience)).Dispose();

        await silo.StopAsync(TimeSpan.FromSeconds(30));
        File.Delete(logFile);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("http")]
    public void HealthPort_OutOfRange_IsRefusedWithItsName(string port)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Health:Port"] = port }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => SiloHealthSettings.Read(configuration));
        Assert.Contains("Health__Port", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthPort_Unset_MeansNoProbes_AndTheAddressDefaultsToAny()
    {
        Assert.Null(SiloHealthSettings.Read(new ConfigurationBuilder().Build()));
        var endpoint = SiloHealthSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Health:Port"] = "8081" }).Build());
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8081), endpoint);
    }

    private static async Task<JsonElement> Report(HttpResponseMessage answer) =>
        JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
}
