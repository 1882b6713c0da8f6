using System.Text;

namespace LabScheduler.Cli.Http;

/// <summary>Builds paths with escaped segments and query strings that leave out absent parameters.</summary>
internal static class Query
{
    public static string Segment(string value) => Uri.EscapeDataString(value);

    public static string Path(string path, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return builder.ToString();
    }
}
