using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LabScheduler.Cli.Http;

/// <summary>
/// The HTTP side of labsched: requests under <c>/api/v1</c> of one gateway, with the stored bearer
/// token. Transport failures surface as <see cref="HttpRequestException"/> or a timeout.
/// </summary>
internal sealed class ApiClient(HttpClient http, Uri baseUri, string? token)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";

    public Uri BaseUri { get; } = baseUri;

    public bool HasToken => token is not null;

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, path, null, null, cancel);

    public Task<ApiResponse> PostAsync(string path, JsonNode? body, string? idempotencyKey = null, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), idempotencyKey, cancel);

    public Task<ApiResponse> PutAsync(string path, JsonNode? body = null, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Put, path, body, null, cancel);

    /// <summary>Sends without the stored token (the dev-token endpoint) or with another one (login --token).</summary>
    public Task<ApiResponse> SendAsync(
        HttpMethod method, string path, JsonNode? body, string? idempotencyKey, CancellationToken cancel = default, string? bearer = null, bool anonymous = false) =>
        SendCoreAsync(method, path, body, idempotencyKey, anonymous ? null : bearer ?? token, cancel);

    /// <summary>A request outside the API (the OpenID provider of the device flow), through the same client and retries.</summary>
    public Task<HttpResponseMessage> SendAbsoluteAsync(HttpRequestMessage request, CancellationToken cancel) => http.SendAsync(request, cancel);

    private async Task<ApiResponse> SendCoreAsync(
        HttpMethod method, string path, JsonNode? body, string? idempotencyKey, string? bearer, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUri, "api/v1/" + path.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyHeader, idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        var replayed = response.Headers.TryGetValues(ReplayedHeader, out var values) && values.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        return new ApiResponse((int)response.StatusCode, text, replayed);
    }
}
