using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>Reading answers the stores share the shape of.</summary>
internal static class CommandExtensions
{
    /// <summary>The first column of every row as a string (a list of ids, mostly).</summary>
    public static async Task<IReadOnlyList<string>> ReadStringsAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
