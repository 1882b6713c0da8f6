using System.Text.Json;
using System.Text.RegularExpressions;
using LabScheduler.Cli.Tests.EndToEnd;

namespace LabScheduler.Cli.Tests.Docs;

/// <summary>
/// docs/api.md, the API reference users read, names exactly the endpoints of the gateway's OpenAPI
/// document (/openapi/v1.json): an endpoint added to the gateway without documentation, or documented
/// after it is gone, fails here. Endpoints are written in the reference as <c>`METHOD /path`</c>.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class ApiReferenceTests(GatewayFixture fixture)
{
    private static string Reference => File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));

    [Fact]
    public async Task ApiReference_NamesEveryEndpointOfTheOpenApiDocument_AndNoOther()
    {
        using var http = fixture.Gateway.CreateClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        var published = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(o => $"{o.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var documented = EndpointPattern().Matches(Reference).Select(m => $"{m.Groups["method"].Value} {m.Groups["path"].Value}").ToHashSet(StringComparer.Ordinal);

        var undocumented = published.Except(documented).Order(StringComparer.Ordinal).ToList();
        var gone = documented.Except(published).Order(StringComparer.Ordinal).ToList();

        Assert.True(undocumented.Count == 0 && gone.Count == 0,
            $"docs/api.md is out of step with /openapi/v1.json.\nIn the OpenAPI document, not in docs/api.md:\n  {string.Join("\n  ", undocumented)}\nIn docs/api.md, not in the OpenAPI document:\n  {string.Join("\n  ", gone)}");
    }

    [Fact]
    public void ApiReference_NamesEveryStableProblemCode()
    {
        var source = File.ReadAllText(Path.Combine(Repository.Root, "src", "LabScheduler.Domain", "Errors", "ErrorCodes.cs"));
        var codes = CodePattern().Matches(source).Select(m => m.Groups["code"].Value).Distinct().ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code => Assert.Contains($"`{code}`", Reference, StringComparison.Ordinal));
    }

    [Fact]
    public void Repository_PointsNowhereOutsideItself()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Repository.Root, file);
            if (relative.Split(Path.DirectorySeparatorChar) is var parts && parts.Any(p => p is ".git" or "bin" or "obj" or "node_modules" or ".test-data" or ".data" or "TestResults" or "artifacts" or "dist" or "wwwroot")
                || Path.GetExtension(file) is ".png" or ".jpg" or ".dll" or ".nupkg" or ".key")
            {
                continue;
            }

            if (new FileInfo(file).Length < 2_000_000 && File.ReadAllText(file).Contains("../shared", StringComparison.Ordinal) && relative != Path.Combine("tests", "LabScheduler.Cli.Tests", "Docs", "ApiReferenceTests.cs"))
            {
                offenders.Add(relative);
            }
        }

        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`\s?]*)`")]
    private static partial Regex EndpointPattern();

    [GeneratedRegex(@"""(?<code>[a-z][a-z.-]*)""")]
    private static partial Regex CodePattern();
}
