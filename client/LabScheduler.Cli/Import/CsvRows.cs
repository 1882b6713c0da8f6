using System.Globalization;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Import;

/// <summary>Turns a CSV file (header row of column names) into request bodies of one <see cref="ImportKind"/>.</summary>
internal static class CsvRows
{
    public static IReadOnlyList<ImportRow> Read(CsvFile.Content content, ImportKind kind, TextWriter warnings)
    {
        var records = content.Records;
        // Where ';' separates the fields, the spreadsheet's decimal separator is most likely ','.
        var decimalComma = content.Separator != ',';
        if (records.Count == 0)
        {
            throw new UsageException("the CSV file is empty; its first line names the columns");
        }

        var header = records[0].Fields.Select(h => h.Trim()).ToList();
        var columns = new ImportColumn?[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            if (header.IndexOf(header[i]) != i)
            {
                throw new UsageException($"line {records[0].Line}: the column '{header[i]}' appears twice");
            }

            columns[i] = kind.Column(header[i]);
            if (columns[i] is null)
            {
                warnings.WriteLine($"warning: column '{header[i]}' is not used for --kind {kind.Name} (columns: {string.Join(", ", kind.Columns.Select(c => c.Name))})");
            }
        }

        return [.. records.Skip(1).Select(r => Row(r, columns, kind, decimalComma))];
    }

    private static ImportRow Row(CsvFile.Record record, ImportColumn?[] columns, ImportKind kind, bool decimalComma)
    {
        var body = new JsonObject();
        var problems = new List<string>();
        string? labId = null;
        IReadOnlyList<string> members = [];
        if (record.Fields.Count != columns.Length)
        {
            problems.Add($"the row has {record.Fields.Count} fields, the header {columns.Length}");
        }

        for (var i = 0; i < Math.Min(columns.Length, record.Fields.Count); i++)
        {
            var value = record.Fields[i].Trim();
            if (columns[i] is not { } column || value.Length == 0)
            {
                continue;
            }

            if (column.Name == ImportKind.LabIdColumn)
            {
                labId = value;
            }
            else if (column.Name == ImportKind.MembersColumn)
            {
                members = List(value);
            }
            else if (Convert(decimalComma && column.Type == ColumnType.Decimal ? DecimalPoint(value) : value, column.Type) is { } node)
            {
                Set(body, column.Target!, node);
            }
            else
            {
                problems.Add($"{column.Name}: '{value}' is not {Expected(column.Type)}");
            }
        }

        if (kind.NeedsLab && labId is null && problems.Count == 0)
        {
            problems.Add($"{ImportKind.LabIdColumn}: is required (the lab the instrument belongs to)");
        }

        var id = body["id"]?.GetValue<string>();
        return new ImportRow(record.Line, id, body, labId, members, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private static JsonNode? Convert(string value, ColumnType type) => type switch
    {
        ColumnType.Text => JsonValue.Create(value),
        ColumnType.List => new JsonArray([.. List(value).Select(v => (JsonNode?)JsonValue.Create(v))]),
        ColumnType.Decimal => decimal.TryParse(value, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d)
            ? JsonValue.Create(d) : null,
        ColumnType.Integer => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
        ColumnType.Boolean => value.ToUpperInvariant() switch
        {
            "TRUE" or "YES" or "Y" or "1" => JsonValue.Create(true),
            "FALSE" or "NO" or "N" or "0" => JsonValue.Create(false),
            _ => null,
        },
        ColumnType.Auto => bool.TryParse(value, out var flag)
            ? JsonValue.Create(flag)
            : Convert(value, ColumnType.Integer) ?? Convert(value, ColumnType.Decimal) ?? JsonValue.Create(value),
        _ => null,
    };

    private static string Expected(ColumnType type) => type switch
    {
        ColumnType.Decimal => "a number (e.g. 120.50)",
        ColumnType.Integer => "a whole number",
        ColumnType.Boolean => "true or false",
        _ => "valid",
    };

    // Ids never hold ';' or ',', so either separates the entries of a list cell.
    private static List<string> List(string value) =>
        [.. value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    // "120,50" as Russian Excel writes 120.50; a cell with both separators is left to fail.
    private static string DecimalPoint(string value) =>
        value.Count(c => c == ',') == 1 && !value.Contains('.', StringComparison.Ordinal) ? value.Replace(',', '.') : value;

    private static void Set(JsonObject body, string target, JsonNode value)
    {
        var names = target.Split('.');
        var parent = body;
        foreach (var name in names[..^1])
        {
            if (parent[name] is not JsonObject child)
            {
                child = [];
                parent[name] = child;
            }

            parent = child;
        }

        parent[names[^1]] = value;
    }
}
