using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LabScheduler.Contracts.Cluster;

/// <summary>
/// TLS between gateways and silos and between silos (section "Orleans:Tls", environment
/// Orleans__Tls__*): each side presents its certificate, and accepts the other's only when it
/// chains to the cluster's own CA. Off unless <see cref="CertificateFile"/> is set.
/// </summary>
public sealed class ClusterTls
{
    /// <summary>This process's certificate with its private key: a PKCS#12 (.pfx) file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>A file holding the password of <see cref="CertificateFile"/> (one line); none when unset.</summary>
    public string? CertificatePasswordFile { get; set; }

    /// <summary>The cluster's CA certificate (PEM or DER): peers must present a certificate it issued.</summary>
    public string? CaFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>Loads this process's certificate.</summary>
    public X509Certificate2 LoadCertificate()
    {
        var password = string.IsNullOrWhiteSpace(CertificatePasswordFile) ? null : File.ReadAllText(CertificatePasswordFile).TrimEnd('\r', '\n');
        return X509CertificateLoader.LoadPkcs12FromFile(CertificateFile!, password);
    }

    /// <summary>A validator that accepts exactly the certificates issued by the CA in <see cref="CaFile"/> (the platform's trust store plays no part).</summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool> PeerValidator()
    {
        if (string.IsNullOrWhiteSpace(CaFile))
        {
            throw new InvalidOperationException("Orleans__Tls__CaFile is required with Orleans__Tls__CertificateFile: peers are accepted only when their certificate chains to it.");
        }

        var ca = X509CertificateLoader.LoadCertificateFromFile(CaFile);
        return (certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // Host names are not checked: silos are reached by address, and the CA issues only cluster members.
            return chain.Build(certificate);
        };
    }
}
