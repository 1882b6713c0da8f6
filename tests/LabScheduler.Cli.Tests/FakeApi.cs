using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabScheduler.Cli.Tests;

/// <summary>
/// A stand-in for the gateway: answers requests the way the HTTP API says, from routes the test
/// sets up, and records every request. Anything without a route is 404 <c>not-found</c>.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Path, Func<Request, Answer> Answer)> _routes = [];

    public List<Request> Requests { get; } = [];

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (path only, under /api/v1, without the query).</summary>
    public FakeApi On(HttpMethod method, string path, Func<Request, Answer> answer)
    {
        _routes.Add((method, "/api/v1/" + path.TrimStart('/'), answer));
        return this;
    }

    public FakeApi On(HttpMethod method, string path, Answer answer) => On(method, path, _ => answer);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Request(
            request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null, body);
        Requests.Add(recorded);

        var route = _routes.LastOrDefault(r => r.Method == request.Method && r.Path == request.RequestUri!.AbsolutePath);
        var answer = route.Answer?.Invoke(recorded) ?? Answer.Problem(404, "not-found", $"No route {request.RequestUri!.AbsolutePath}.");
        if (answer.Throw is { } exception)
        {
            throw exception;
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.Status)
        {
            Content = new StringContent(answer.Body, Encoding.UTF8, answer.ContentType),
        };
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>A request as the fake saw it.</summary>
    public sealed record Request(HttpMethod Method, Uri Uri, string? Authorization, string? IdempotencyKey, string? Body)
    {
        public string Path => Uri.AbsolutePath;

        public string? QueryValue(string name) =>
            Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .Where(p => Uri.UnescapeDataString(p[0]) == name)
                .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))
                .FirstOrDefault();

        public JsonObject Json => JsonNode.Parse(Body!)!.AsObject();
    }

    /// <summary>What the fake sends back.</summary>
    public sealed record Answer(int Status, string Body, string ContentType, IReadOnlyList<(string Name, string Value)> Headers, Exception? Throw = null)
    {
        public static Answer Json(int status, string body, params (string Name, string Value)[] headers) =>
            new(status, body, "application/json", headers);

        public static Answer Ok(string body) => Json(200, body);

        public static Answer Problem(int status, string code, string detail, IDictionary<string, string[]>? errors = null)
        {
            var problem = new JsonObject
            {
                ["type"] = $"https://labsched.example/problems/{code}",
                ["title"] = "Problem",
                ["status"] = status,
                ["detail"] = detail,
                ["code"] = code,
            };
            if (errors is not null)
            {
                problem["errors"] = JsonSerializer.SerializeToNode(errors);
            }

            return new(status, problem.ToJsonString(), "application/problem+json", []);
        }

        public static Answer Text(int status, string body) => new(status, body, "text/html", []);

        public static Answer Failure(Exception exception) => new(0, "", "text/plain", [], exception);
    }
}
