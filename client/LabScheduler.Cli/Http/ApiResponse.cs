using System.Text.Json;

namespace LabScheduler.Cli.Http;

/// <summary>An API answer: status, body text as received, and whether the idempotency store replayed it.</summary>
internal sealed class ApiResponse(int status, string body, bool replayed)
{
    private JsonElement? _json;

    public int Status { get; } = status;

    /// <summary>The body exactly as the API sent it (what <c>--json</c> prints).</summary>
    public string Body { get; } = body;

    /// <summary>True when an Idempotency-Key repeated an earlier request and the API replayed its first answer.</summary>
    public bool Replayed { get; } = replayed;

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The body as JSON; a body that is not JSON is a <see cref="JsonException"/>, reported as a server error.</summary>
    public JsonElement Json
    {
        get
        {
            if (_json is null)
            {
                using var document = JsonDocument.Parse(Body.Length == 0 ? "null" : Body);
                _json = document.RootElement.Clone();
            }

            return _json.Value;
        }
    }

    /// <summary>The problem's stable <c>code</c>, or <c>http-STATUS</c> when the body is not a problem document.</summary>
    public string? ProblemCode => TryJson() is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
        ? code.GetString()
        : IsSuccess ? null : $"http-{Status}";

    public JsonElement? TryJson()
    {
        try
        {
            return Json;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
