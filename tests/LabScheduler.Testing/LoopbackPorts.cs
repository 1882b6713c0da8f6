namespace LabScheduler.Testing;

/// <summary>TCP ports on 127.0.0.1 that nothing listens on (at the moment of asking).</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
