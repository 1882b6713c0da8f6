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
        var body = await notReady.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", body, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("does not answer|no answer in time|no active silo", body);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public void Gateway_WithoutAuthModeOutsideDevelopment_RefusesToStart()
    {
        using var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("ConnectionStrings:LabScheduler", "Host=127.0.0.1;Port=1;Database=none");
        });

        var refused = Assert.Throws<InvalidOperationException>(() => gateway.CreateClient());
        Assert.Contains("Auth__Mode is not set", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_WithAnUnknownAuthMode_RefusesToStart()
    {
        using var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", "Host=127.0.0.1;Port=1;Database=none");
            web.UseSetting("Auth:Mode", "oidcc");
        });

        var refused = Assert.Throws<InvalidOperationException>(() => gateway.CreateClient());
        Assert.Contains("must be 'demo' or 'oidc'", refused.Message, StringComparison.Ordinal);
    }
}
