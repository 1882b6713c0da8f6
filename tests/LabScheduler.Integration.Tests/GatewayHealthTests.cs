using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>The gateway's probes: live always, ready only while the cluster and PostgreSQL answer.</summary>
public sealed class GatewayHealthTests
{
    [Fact]
    public async Task Ready_WithSiloRunning_Is200_AndWithoutAnySilo_Is503()
    {
        await using var harness = await SiloHarness.StartAsync("health");
        await using var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", harness.Options.ClusterId);
        });
        using var http = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"ready\"", await ready.Content.ReadAsStringAsync());

        await harness.StopSiloAsync(harness.Silos[0]);
        var notReady = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }
}
