using CsvHelper;

namespace LabScheduler.Cli.Output;

/// <summary>Writes a <see cref="Table"/> as RFC 4180 CSV with CsvHelper (header row of column names, CRLF, quotes where needed).</summary>
internal static class CsvOut
{
    public static void Write(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        // Formula injection guard off: the values are ids, numbers and names from the API, and a
        // leading apostrophe would change what a script reads.
        using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { Injection = CsvInjection.None }, leaveOpen: true);
        foreach (var header in headers)
        {
            csv.WriteField(header);
        }

        csv.EndRecord();
        foreach (var row in rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell);
            }

            csv.EndRecord();
        }

        csv.Flush();
    }
}
