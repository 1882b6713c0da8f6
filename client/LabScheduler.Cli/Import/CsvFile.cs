using CsvHelper;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Import;

/// <summary>
/// Reads CSV text with CsvHelper (RFC 4180: quoted fields may hold separators, line breaks and
/// doubled quotes). The separator is <c>,</c>, or <c>;</c> as Excel writes it where the decimal
/// separator is a comma (Russian, German, ...), or tab: given, or detected by CsvHelper from the
/// first lines. Each record keeps the line it starts on, so errors can name it.
/// </summary>
internal static class CsvFile
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    /// <summary>The records and the separator that was used (given or detected).</summary>
    public sealed record Content(char Separator, IReadOnlyList<Record> Records);

    public static Content Read(string text, string? delimiter)
    {
        char? separator = delimiter switch
        {
            null => null,
            "tab" or "\\t" or "\t" => '\t',
            "," or ";" => delimiter[0],
            _ => throw new UsageException($"--delimiter '{delimiter}' is not one of , ; tab"),
        };

        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            HasHeader = false,
            TrackLineNumbers = true,
            TrimWhitespace = false,
            SkipEmptyLines = true,
            // A stray quote is an error naming its line, not a guess at what was meant.
            MalformedData = CsvMalformedDataHandling.Throw,
            // Rows with too few or too many fields are reported row by row (CsvRows), not here.
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };

        var records = new List<Record>();
        using var reader = CsvReader.Create(new StringReader(text), options, leaveOpen: false);
        try
        {
            while (reader.Read())
            {
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i);
                }

                records.Add(new Record(checked((int)reader.LineNumber), fields));
            }

            return new Content(reader.Separator, records);
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber > 0 ? e.LineNumber : records.Count + 1;
            throw new UsageException($"line {line}: the CSV file is malformed: {e.Message.Split('\n')[0].Trim()}");
        }
    }
}
