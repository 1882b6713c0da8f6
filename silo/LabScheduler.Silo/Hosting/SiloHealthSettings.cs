using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace LabScheduler.Silo.Hosting;

/// <summary>Where the silo's probes listen: <c>Health__Port</c> (1..65535; unset: no probes) on <c>Health__Address</c> (default any).</summary>
public static class SiloHealthSettings
{
    public static IPEndPoint? Read(IConfiguration configuration)
    {
        var port = configuration["Health:Port"];
        if (string.IsNullOrWhiteSpace(port))
        {
            return null;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Health__Port must be a port number from 1 to 65535, not '{port}'.");
        }

        var address = configuration["Health:Address"];
        if (string.IsNullOrWhiteSpace(address))
        {
            return new IPEndPoint(IPAddress.Any, number);
        }

        return IPAddress.TryParse(address, out var ip)
            ? new IPEndPoint(ip, number)
            : throw new InvalidOperationException($"Health__Address must be an IP address, not '{address}'.");
    }
}
