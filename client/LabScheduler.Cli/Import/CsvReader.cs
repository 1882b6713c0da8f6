using System.Text;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Import;

/// <summary>
/// RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, line breaks and doubled
/// quotes. Each record keeps the line it starts on, so errors can name it.
/// </summary>
internal static class CsvReader
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static IReadOnlyList<Record> Read(string text)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteLine = 0;
        var fieldStarted = false;

        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when !fieldStarted:
                    quoted = true;
                    quoteLine = line;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\n' or '\r':
                    fields.Add(field.ToString());
                    records.Add(new Record(recordLine, [.. fields]));
                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new UsageException($"line {quoteLine}: a quoted field is never closed");
        }

        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(new Record(recordLine, [.. fields]));
        }

        // Blank lines carry no row.
        return [.. records.Where(r => r.Fields.Count > 1 || r.Fields[0].Trim().Length > 0)];
    }
}
