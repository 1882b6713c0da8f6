using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LabScheduler.Testing;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// <c>deploy/cluster.sh --tls</c> as an operator runs it: it makes the cluster's CA and
/// certificates, its silo's gateway port speaks TLS with a certificate of that CA and refuses a
/// client without one, and its gateway (holding the gateway certificate) still reaches the silo.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterScriptTlsTests
{
    [Fact]
    public async Task WithTls_SiloPortsSpeakTlsOfTheClusterCa_AndTheGatewayIsReady()
    {
        await using var database = await TestDatabase.CreateAsync("cluster-tls");
        var data = Directory.CreateTempSubdirectory("labsched-cluster-").FullName;
        var port = LoopbackPorts.Free();
        var output = new StringBuilder();
        var info = new ProcessStartInfo("setsid", ["bash", Path.Combine(Repository.Root, "deploy", "cluster.sh"),
            "--tls", "--silos", "1", "--gateways", "1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data])
        {
            WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        info.Environment["LABSCHED_DB"] = database.ConnectionString;
        info.Environment["LABSCHED_SKIP_BUILD"] = "1";
        using var cluster = Process.Start(info) ?? throw new InvalidOperationException("cluster.sh did not start");
        cluster.OutputDataReceived += (_, e) => Append(e.Data);
        cluster.ErrorDataReceived += (_, e) => Append(e.Data);
        cluster.BeginOutputReadLine();
        cluster.BeginErrorReadLine();
        try
        {
            await WaitUntilReadyAsync(cluster, port, () => Text());

            var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(data, "tls", "ca.pem"));
            var (siloPort, gatewayPort) = SiloPorts(data);
            foreach (var orleansPort in new[] { siloPort, gatewayPort })
            {
                var served = await ServerCertificateAsync(orleansPort);
                Assert.Equal("CN=labsched-silo", served.Subject);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                Assert.True(chain.Build(served), $"the certificate on port {orleansPort} does not chain to the cluster CA");
                await AssertRefusesClientWithoutCertificateAsync(orleansPort);
            }

            foreach (var file in Directory.GetFiles(Path.Combine(data, "tls")))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file) & (UnixFileMode)0b111_111_111);
            }
        }
        finally
        {
            using (var stop = Process.Start("bash", [Path.Combine(Repository.Root, "deploy", "cluster.sh"), "stop", "--data", data]))
            {
                await stop!.WaitForExitAsync();
            }

            await cluster.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }

        void Append(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static (int SiloPort, int GatewayPort) SiloPorts(string data)
    {
        var parts = File.ReadAllText(Path.Combine(data, "run", "silo-1.ports")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The certificate the listener on <paramref name="port"/> presents in a TLS handshake (not validated here).</summary>
    private static async Task<X509Certificate2> ServerCertificateAsync(int port)
    {
        X509Certificate2? served = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            served = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            // The server may end the handshake for want of a client certificate; its own was seen by then.
        }

        return served ?? throw new InvalidOperationException($"no certificate was presented on port {port}");
    }

    /// <summary>A TLS client without a certificate gets no working connection: the handshake fails or the server closes it.</summary>
    private static async Task AssertRefusesClientWithoutCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
            // TLS 1.3 sends the server's refusal of a missing client certificate after the handshake: it shows as end of stream.
            await tls.WriteAsync("hello"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await tls.ReadAsync(buffer, timeout.Token);
            Assert.Equal(0, read);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            // refused during the handshake
        }
    }

    private static async Task WaitUntilReadyAsync(Process cluster, int port, Func<string> output)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(240);
        while (DateTime.UtcNow < deadline)
        {
            if (cluster.HasExited)
            {
                await cluster.WaitForExitAsync();
                Assert.Fail($"cluster.sh exited ({cluster.ExitCode}):\n{output()}");
            }

            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(500);
        }

        Assert.Fail($"the gateway was not ready within 240 s:\n{output()}");
    }
}
