using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>Reading answers as the contract writes them.</summary>
internal static class Json
{
    public static async Task<JsonElement> Body(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and, for errors, a problem+json body with the stable code.</summary>
    public static async Task<JsonElement> Expect(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        if (code is not null)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(code, body.GetProperty("code").GetString());
        }

        return body;
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static Task<HttpResponseMessage> Post(this HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> Put(this HttpClient client, string path, object? body = null) =>
        client.PutAsync(path, body is null ? null : JsonContent.Create(body));

    public static Task<HttpResponseMessage> Patch(this HttpClient client, string path, object body) =>
        client.PatchAsync(path, JsonContent.Create(body));
}
