using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Import;

/// <summary>
/// Reads a JSON import file: an array of the API's request bodies, plus <c>labId</c> on instruments
/// and <c>members</c> on teams (taken out of the body). Each row keeps the line its object starts on.
/// </summary>
internal static class JsonRows
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static IReadOnlyList<ImportRow> Read(byte[] bytes, ImportKind kind)
    {
        ReadOnlySpan<byte> json = bytes.AsSpan().StartsWith(Bom) ? bytes.AsSpan(Bom.Length) : bytes;
        var rows = new List<ImportRow>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new UsageException("a JSON import file is an array of objects");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var line = LineAt(json, reader.TokenStartIndex);
                var element = JsonElement.ParseValue(ref reader);
                rows.Add(Row(line, element, kind));
            }
        }
        catch (JsonException e)
        {
            throw new UsageException($"the JSON file is not valid: {e.Message}");
        }

        return rows;
    }

    private static ImportRow Row(int line, JsonElement element, ImportKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new ImportRow(line, null, [], null, [], "the item is not a JSON object");
        }

        var body = JsonNode.Parse(element.GetRawText())!.AsObject();
        var id = body["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var text) ? text : null;
        string? labId = null;
        IReadOnlyList<string> members = [];
        string? problem = null;
        if (kind.NeedsLab)
        {
            labId = body[ImportKind.LabIdColumn] is JsonValue lab && lab.TryGetValue<string>(out var labText) && labText.Length > 0 ? labText : null;
            body.Remove(ImportKind.LabIdColumn);
            problem = labId is null ? $"{ImportKind.LabIdColumn}: is required (the lab the instrument belongs to)" : null;
        }

        if (kind.HasMembers && body[ImportKind.MembersColumn] is { } listed)
        {
            if (listed is JsonArray array && array.All(m => m is JsonValue v && v.TryGetValue<string>(out _)))
            {
                members = [.. array.Select(m => m!.GetValue<string>())];
            }
            else
            {
                problem = $"{ImportKind.MembersColumn}: must be an array of user ids";
            }

            body.Remove(ImportKind.MembersColumn);
        }

        return new ImportRow(line, id, body, labId, members, problem);
    }

    private static int LineAt(ReadOnlySpan<byte> json, long index) => json[..(int)index].Count((byte)'\n') + 1;
}
