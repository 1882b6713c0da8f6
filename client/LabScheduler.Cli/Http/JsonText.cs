using System.Text.Json;

namespace LabScheduler.Cli.Http;

/// <summary>Reads fields of API bodies as display text: strings as they are, arrays joined, absent as empty.</summary>
internal static class JsonText
{
    public static string Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Of)),
        _ => value.GetRawText(),
    };

    /// <summary>The member <paramref name="name"/> of an object, or an undefined element when there is none.</summary>
    public static JsonElement Member(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var member) ? member : default;

    /// <summary>The text of <paramref name="path"/> (dot-separated, e.g. <c>lab.timeZone</c>), or empty.</summary>
    public static string Field(JsonElement value, string path)
    {
        foreach (var name in path.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
            {
                return "";
            }
        }

        return Of(value);
    }
}
