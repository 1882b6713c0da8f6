using System.Text.Json;

namespace LabScheduler.Cli.Http;

/// <summary>Writes an API error as <c>error: CODE: DETAIL</c> (plus field errors and conflicts) and picks the exit code.</summary>
internal static class ProblemReport
{
    /// <summary>Reports <paramref name="response"/> to <paramref name="stderr"/>; <paramref name="prefix"/> says which row or step it was.</summary>
    public static int Write(ApiResponse response, TextWriter stderr, string? prefix = null)
    {
        var (code, detail) = Describe(response);
        stderr.WriteLine($"error: {prefix}{code}: {detail}");
        if (response.TryJson() is { ValueKind: JsonValueKind.Object } json)
        {
            if (json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var message in Messages(field.Value))
                    {
                        stderr.WriteLine($"  {field.Name}: {message}");
                    }
                }
            }

            if (json.TryGetProperty("conflicts", out var conflicts) && conflicts.ValueKind == JsonValueKind.Array)
            {
                foreach (var conflict in conflicts.EnumerateArray())
                {
                    stderr.WriteLine($"  conflicts with: {JsonText.Of(conflict)}");
                }
            }
        }

        return ExitCodes.ForStatus(response.Status);
    }

    /// <summary>The problem's code and detail (title, then the bare status, where the body says less).</summary>
    public static (string Code, string Detail) Describe(ApiResponse response)
    {
        var code = response.ProblemCode ?? $"http-{response.Status}";
        var detail = response.TryJson() is { ValueKind: JsonValueKind.Object } json
            ? Text(json, "detail") ?? Text(json, "title")
            : null;
        return (code, detail ?? $"the API answered HTTP {response.Status}");
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static IEnumerable<string> Messages(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? value.EnumerateArray().Select(JsonText.Of)
        : [JsonText.Of(value)];
}
