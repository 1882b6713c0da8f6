using System.Net;
using System.Text.Json;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>The OpenAPI document is what the web app's TypeScript client is generated from.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture api)
{
    private static IEnumerable<(string Operation, JsonElement Body)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
            .Select(o => ($"{o.Name.ToUpperInvariant()} {path.Name}", o.Value)));

    private static bool HasSuccessSchema(JsonElement operation) =>
        operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2')
            && r.Value.TryGetProperty("content", out var content)
            && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)));

    [Fact]
    public async Task OpenApi_DeclaresTheBearerScheme()
    {
        using var client = api.Anonymous();
        var document = await (await client.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (scheme.Str("type"), scheme.Str("scheme")));
        Assert.Contains(document.GetProperty("security").EnumerateArray(), s => s.TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task OpenApi_GivesEveryEndpointA2xxResponseSchema()
    {
        using var client = api.Anonymous();
        var document = await (await client.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK);

        var missing = Operations(document).Where(o => !HasSuccessSchema(o.Body)).Select(o => o.Operation).Order().ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("GET /api/v1/schedule", "ScheduleResponse")]
    [InlineData("GET /api/v1/instruments/{id}/now", "NowResponse")]
    [InlineData("GET /api/v1/instruments/{id}/quote", "QuoteResponse")]
    [InlineData("PATCH /api/v1/me", "UserResponse")]
    [InlineData("GET /api/v1/auth/config", "AuthConfigResponse")]
    [InlineData("GET /api/v1/auth/dev-users", "DevUsersResponse")]
    [InlineData("GET /api/v1/me/approvals/count", "ApprovalsCountResponse")]
    [InlineData("GET /api/v1/instruments/{id}/quotas", "PageOfTeamQuotaView")]
    [InlineData("GET /api/v1/instruments/{id}/shares", "PageOfShareView")]
    [InlineData("GET /api/v1/reports/heatmap", "HeatMapResponse")]
    public async Task OpenApi_NamesTheWebAppsResponseSchemas(string operation, string schema)
    {
        using var client = api.Anonymous();
        var document = await (await client.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK);

        var body = Operations(document).Single(o => o.Operation == operation).Body;
        var reference = body.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").Str("$ref");

        Assert.Equal($"#/components/schemas/{schema}", reference);
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty(schema, out _));
    }
}
