using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LabScheduler.Testing;

/// <summary>
/// A network link the test controls: listens on a loopback port and relays every connection to
/// a target (a TCP address or a Unix socket). <see cref="Cut"/> ends every relayed connection and
/// refuses new ones, as a broken network would; <see cref="Restore"/> accepts again on the same port.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly EndPoint _target;
    private readonly List<Socket> _open = [];
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private TcpRelay(EndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>The loopback port clients connect to.</summary>
    public int Port { get; }

    /// <summary>A relay to the PostgreSQL server an Npgsql connection string names (Host a socket folder or an address).</summary>
    public static TcpRelay ToPostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = builder.Host ?? "127.0.0.1";
        EndPoint target = host.StartsWith('/')
            ? new UnixDomainSocketEndPoint(Path.Combine(host, $".s.PGSQL.{builder.Port}"))
            : new DnsEndPoint(host, builder.Port);
        var relay = new TcpRelay(target, LoopbackPorts.Free());
        relay.Restore();
        return relay;
    }

    /// <summary>The connection string with its host and port replaced by this relay's.</summary>
    public string Through(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Ends every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        lock (_gate)
        {
            _stop.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts connections again.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _stop.Token);
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, stop);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken stop)
    {
        var server = new Socket(_target.AddressFamily == AddressFamily.Unix ? AddressFamily.Unix : AddressFamily.InterNetwork, SocketType.Stream,
            _target.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        lock (_gate)
        {
            if (stop.IsCancellationRequested)
            {
                client.Dispose();
                server.Dispose();
                return;
            }

            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(_target, stop);
            await Task.WhenAny(PumpAsync(client, server, stop), PumpAsync(server, client, stop));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // cut, or one side went away
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(server);
            }

            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken stop)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, stop)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // cut, or one side went away
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
