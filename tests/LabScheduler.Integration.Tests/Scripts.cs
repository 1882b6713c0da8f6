using System.Net;
using System.Net.Sockets;

namespace LabScheduler.Integration.Tests;

/// <summary>What the tests of the repository's shell scripts (run.sh, deploy/cluster.sh) share.</summary>
internal static class Scripts
{
    /// <summary>The repository's root: the folder above the test binaries that holds LabScheduler.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LabScheduler.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("LabScheduler.sln not found above the test folder.");
        }
    }

    /// <summary>A TCP port free on loopback right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
