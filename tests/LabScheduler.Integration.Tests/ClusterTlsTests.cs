using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LabScheduler.Contracts.Cluster;
using LabScheduler.Silo.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Orleans__Tls__*: silos and gateways talk TLS, and the silo's gateway port admits only clients
/// whose certificate the cluster's CA issued. Certificates are made by the test (CertificateRequest).
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("labsched-tls-").FullName;
    private SiloHarness? _harness;
    private ClusterTls? _gatewayTls;
    private X509Certificate2? _rogue;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        using var ca = MakeCa("CN=LabScheduler test cluster CA");
        using var otherCa = MakeCa("CN=Someone else's CA");
        var caFile = Path.Combine(_folder, "ca.crt");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var siloTls = new ClusterTls { CertificateFile = Issue(ca, "CN=silo", "silo.pfx"), CaFile = caFile };
        _gatewayTls = new ClusterTls { CertificateFile = Issue(ca, "CN=gateway", "gateway.pfx"), CaFile = caFile };
        _rogue = X509CertificateLoader.LoadPkcs12FromFile(Issue(otherCa, "CN=gateway", "rogue.pfx"), null);
        _harness = await SiloHarness.StartAsync("tls", siloTls: siloTls, clientTls: _gatewayTls);
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        _rogue?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ClientWithTheClustersCertificate_CallsGrains_AndTheGatewayIsReady()
    {
        var (instrumentId, _) = await Setup.LabWithInstrumentAsync(Harness.Client);
        Assert.NotNull(await Harness.Client.GetGrain<LabScheduler.Contracts.Instruments.IInstrumentGrain>(instrumentId).GetAsync());

        await using var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:LabScheduler", Harness.Options.ConnectionString);
            web.UseSetting("Orleans:ClusterId", Harness.Options.ClusterId);
            web.UseSetting("Orleans:Tls:CertificateFile", _gatewayTls!.CertificateFile);
            web.UseSetting("Orleans:Tls:CaFile", _gatewayTls.CaFile);
            web.UseSetting("Auth:Mode", "demo");
            web.UseSetting("Auth:DevKeyFile", Path.Combine(_folder, "dev.key"));
        });
        using var http = gateway.CreateClient();
        Assert.True((await http.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task ClientWithoutTls_CannotConnect() =>
        await AssertCannotConnect(_ => { });

    [Fact]
    public async Task ClientWithTlsButNoCertificate_IsRefusedAtTheGatewayPort() =>
        await AssertCannotConnect(client => client.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
            o.AllowAnyRemoteCertificate();
        }));

    [Fact]
    public async Task ClientWithACertificateFromAnotherCa_IsRefusedAtTheGatewayPort() =>
        await AssertCannotConnect(client => client.UseTls(_rogue!, o => o.AllowAnyRemoteCertificate()));

    private async Task AssertCannotConnect(Action<IClientBuilder> tls)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Harness.Options.ClusterId;
                o.ServiceId = Harness.Options.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = SiloSetup.Invariant;
                o.ConnectionString = Harness.Options.ConnectionString;
            });
            tls(client);
        });
        using var host = builder.Build();

        // Connected means a grain answers; refused means start-up or the call fails (or never answers).
        var connected = false;
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<LabScheduler.Contracts.Instruments.IInstrumentGrain>("tls-probe").GetAsync().WaitAsync(TimeSpan.FromSeconds(15));
            connected = true;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
        }

        Assert.False(connected, "a client the cluster's CA did not certify reached a grain");
    }

    private static X509Certificate2 MakeCa(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private string Issue(X509Certificate2 ca, string subject, string fileName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        // Silos are servers and clients of each other; gateways are clients.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = Path.Combine(_folder, fileName);
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12));
        return path;
    }
}
