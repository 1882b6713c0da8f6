using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>A gateway in oidc mode over a test cluster, trusting the given provider for the given audience.</summary>
public static class OidcGateway
{
    /// <param name="configure">Further settings of the test (a client id, a web root...).</param>
    public static WebApplicationFactory<Program> Over(SiloHarness harness, string issuer, string audience, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", harness.Options.ClusterId);
            web.UseSetting("Auth:Mode", "oidc");
            web.UseSetting("Auth:Authority", issuer);
            web.UseSetting("Auth:Audience", audience);
            web.UseSetting("Auth:RequireHttpsMetadata", "false");
            configure?.Invoke(web);
        });
}
