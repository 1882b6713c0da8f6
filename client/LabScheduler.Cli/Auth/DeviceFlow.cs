using System.Net.Http.Headers;
using System.Text.Json;
using LabScheduler.Cli.Http;

namespace LabScheduler.Cli.Auth;

/// <summary>
/// The OAuth 2.0 device authorization grant (RFC 8628) against the provider the gateway names in
/// <c>GET /api/v1/auth/config</c>: ask for a user code, tell the person where to enter it, then poll
/// the token endpoint at the interval the provider asks for until they have signed in there.
/// </summary>
internal sealed class DeviceFlow(CliContext c)
{
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>The access token, or null after an error has been reported (with its exit code).</summary>
    public async Task<(string? Token, int Exit)> SignInAsync(JsonElement config, CancellationToken cancel)
    {
        var authority = JsonText.Field(config, "authority").TrimEnd('/');
        var clientId = JsonText.Field(config, "clientId");
        if (authority.Length == 0 || clientId.Length == 0)
        {
            c.Err.WriteLine("error: auth.config: the gateway runs in oidc mode but names no provider or client (Auth__Authority, Auth__ClientId); use 'labsched login --token -'");
            return (null, ExitCodes.Auth);
        }

        using var discovery = await c.Api.SendAbsoluteAsync(new HttpRequestMessage(HttpMethod.Get, authority + "/.well-known/openid-configuration"), cancel);
        var metadata = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync(cancel)).RootElement;
        var deviceEndpoint = JsonText.Field(metadata, "device_authorization_endpoint");
        var tokenEndpoint = JsonText.Field(metadata, "token_endpoint");
        if (!discovery.IsSuccessStatusCode || deviceEndpoint.Length == 0 || tokenEndpoint.Length == 0)
        {
            c.Err.WriteLine($"error: auth.device-flow: {authority} offers no device authorization endpoint (RFC 8628); use 'labsched login --token -'");
            return (null, ExitCodes.Auth);
        }

        var scope = JsonText.Field(config, "scope") is { Length: > 0 } s ? s : "openid";
        var audience = JsonText.Field(config, "audience");
        var request = new Dictionary<string, string> { ["client_id"] = clientId, ["scope"] = scope };
        if (audience.Length > 0)
        {
            // RFC 8707: the access token is for the API, not for the provider's userinfo endpoint.
            request["resource"] = audience;
        }

        var (status, device) = await PostFormAsync(deviceEndpoint, request, cancel);
        if (status >= 400)
        {
            return (null, ReportError(device, "the provider refused the device authorization request"));
        }

        var verification = JsonText.Field(device, "verification_uri_complete") is { Length: > 0 } complete ? complete : JsonText.Field(device, "verification_uri");
        c.Err.WriteLine($"To sign in, open {verification}");
        c.Err.WriteLine($"and confirm the code {JsonText.Field(device, "user_code")} (it expires in {Seconds(device, "expires_in", 600) / 60} minutes).");
        c.Err.WriteLine("Waiting for you to sign in there...");

        var interval = TimeSpan.FromSeconds(Seconds(device, "interval", 5));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(Seconds(device, "expires_in", 600));
        var poll = new Dictionary<string, string> { ["grant_type"] = DeviceGrant, ["device_code"] = JsonText.Field(device, "device_code"), ["client_id"] = clientId };
        if (audience.Length > 0)
        {
            poll["resource"] = audience;
        }

        while (DateTimeOffset.UtcNow < deadline)
        {
            // RFC 8628 3.5: wait the interval before each request; slow_down adds five seconds to it.
            await Task.Delay(interval, cancel);
            var (pollStatus, answer) = await PostFormAsync(tokenEndpoint, poll, cancel);
            if (pollStatus < 400 && JsonText.Field(answer, "access_token") is { Length: > 0 } token)
            {
                return (token, ExitCodes.Ok);
            }

            switch (JsonText.Field(answer, "error"))
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                default:
                    return (null, ReportError(answer, "sign-in did not complete"));
            }
        }

        c.Err.WriteLine("error: auth.device-flow: the code expired before sign-in completed; run 'labsched login' again");
        return (null, ExitCodes.Auth);
    }

    private async Task<(int Status, JsonElement Body)> PostFormAsync(string url, Dictionary<string, string> form, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await c.Api.SendAbsoluteAsync(request, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        return ((int)response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone());
    }

    private int ReportError(JsonElement answer, string what)
    {
        var error = JsonText.Field(answer, "error");
        var description = JsonText.Field(answer, "error_description");
        c.Err.WriteLine($"error: auth.device-flow: {what}: {(error.Length == 0 ? "no error code" : error)}{(description.Length > 0 ? $" ({description})" : "")}");
        return ExitCodes.Auth;
    }

    private static int Seconds(JsonElement value, string name, int fallback) =>
        JsonText.Member(value, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var seconds) && seconds > 0 ? seconds : fallback;
}
