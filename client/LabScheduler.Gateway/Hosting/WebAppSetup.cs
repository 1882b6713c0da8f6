using LabScheduler.Gateway.Auth;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace LabScheduler.Gateway.Hosting;

/// <summary>
/// Serves the web application (client/LabScheduler.Web, built into the gateway's wwwroot): its
/// static files, index.html for the app's own routes (SPA fallback), and the security headers.
/// Without a built app (no index.html) nothing here answers, and unknown paths stay 404 problems.
/// </summary>
public static class WebAppSetup
{
    // Paths that belong to the API and operations: never answered with the app's page.
    private static readonly string[] ServerPaths = ["/api", "/health", "/metrics", "/openapi", "/docs", "/scalar", Admin.DashboardAccess.Path];

    /// <summary>The folder of the built app: configuration <c>Web:Root</c>, else the content root's wwwroot.</summary>
    public static string Root(IConfiguration configuration, IWebHostEnvironment environment) =>
        Path.GetFullPath(configuration["Web:Root"] ?? Path.Combine(environment.ContentRootPath, "wwwroot"));

    /// <summary>Security headers on every answer; the app's files and its page for browser navigations.</summary>
    public static WebApplication UseWebApp(this WebApplication app)
    {
        var csp = ContentSecurityPolicy(app.Services.GetRequiredService<AuthSettings>());
        app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";

                // The API reference page runs its own inline script; everything else keeps to 'self'
                // (the Orleans dashboard too: its script is a file, its inline styles are allowed).
                if (!IsUnder(http.Request.Path, "/docs") && !IsUnder(http.Request.Path, "/scalar"))
                {
                    headers[HeaderNames.ContentSecurityPolicy] = csp;
                }

                return Task.CompletedTask;
            });
            await next(http);
        });

        var root = Root(app.Configuration, app.Environment);
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] =
                IsUnder(context.Context.Request.Path, "/assets")
                    ? "public, max-age=31536000, immutable" // Vite names these by content hash.
                    : "no-cache",
        });
        return app;
    }

    /// <summary>
    /// After routing: a GET for no endpoint, outside the server's paths, from a browser (Accept
    /// text/html) gets index.html, so the app's deep links load the app.
    /// </summary>
    public static WebApplication UseWebAppFallback(this WebApplication app)
    {
        var index = Path.Combine(Root(app.Configuration, app.Environment), "index.html");
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint() is null
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                && !ServerPaths.Any(p => IsUnder(http.Request.Path, p))
                && AcceptsHtml(http.Request)
                && File.Exists(index))
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "text/html; charset=utf-8";
                http.Response.Headers[HeaderNames.CacheControl] = "no-cache";
                if (HttpMethods.IsGet(http.Request.Method))
                {
                    await http.Response.SendFileAsync(index, http.RequestAborted);
                }

                return;
            }

            await next(http);
        });
        return app;
    }

    private static string ContentSecurityPolicy(AuthSettings auth)
    {
        // In oidc mode the app talks to the provider's token endpoint itself (PKCE).
        var connect = !auth.IsDemo && Uri.TryCreate(auth.Authority, UriKind.Absolute, out var authority)
            ? $"'self' {authority.GetLeftPart(UriPartial.Authority)}"
            : "'self'";
        // style-src 'unsafe-inline': the timeline places its spans with inline styles (as do the Orleans
        // dashboard's components); font-src data:: the dashboard's icon fonts are inlined in its stylesheet.
        return $"default-src 'self'; connect-src {connect}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    }

    private static bool IsUnder(PathString path, string prefix) => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase);

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
