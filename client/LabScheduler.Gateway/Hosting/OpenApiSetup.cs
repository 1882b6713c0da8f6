using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LabScheduler.Gateway.Hosting;

/// <summary>The OpenAPI document's bearer scheme, so clients generated from it and the /docs page send a token.</summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "Bearer";

    public static OpenApiOptions AddBearerScheme(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token: from the OpenID Connect provider, or in demo mode from POST /api/v1/auth/dev-token.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        return Task.CompletedTask;
    });
}
