namespace LabScheduler.Gateway.Auth;

/// <summary>Authentication settings (section "Auth", environment Auth__*).</summary>
public sealed class AuthSettings
{
    public const string Demo = "demo";
    public const string Oidc = "oidc";

    /// <summary>
    /// "demo" (dev tokens from /api/v1/auth/dev-token) or "oidc". No default outside Development:
    /// a gateway started there without it refuses to start (<see cref="Resolve"/>).
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>OIDC issuer: discovery document and signing keys are read from it.</summary>
    public string? Authority { get; set; }

    /// <summary>OIDC: the issuer access tokens must name ("iss"). Default the <see cref="Authority"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience access tokens must carry (RFC 9068 "aud").</summary>
    public string? Audience { get; set; }

    /// <summary>OIDC: the web app's client id at the provider (a public client using PKCE), told to the app by GET /api/v1/auth/config.</summary>
    public string? ClientId { get; set; }

    /// <summary>OIDC: the scopes the web app asks for. Default "openid profile".</summary>
    public string Scope { get; set; } = "openid profile";

    /// <summary>False only for a provider on localhost. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Demo mode: the file holding this data folder's signing key, made on first start. Default $LABSCHED_DATA/dev-signing.key.</summary>
    public string? DevKeyFile { get; set; }

    /// <summary>Demo mode: how long a dev token lives. Default 12 hours.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public bool IsDemo => string.Equals(Mode, Demo, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Settles the mode before anything is wired: unset is demo only in the Development
    /// environment; elsewhere, and for any value other than demo or oidc, the gateway refuses to start.
    /// </summary>
    public void Resolve(bool isDevelopment)
    {
        if (string.IsNullOrWhiteSpace(Mode))
        {
            Mode = isDevelopment ? Demo : throw new InvalidOperationException(
                "Auth__Mode is not set. Outside the Development environment the gateway does not fall back to demo mode: " +
                "set Auth__Mode=oidc (with Auth__Authority and Auth__Audience), or Auth__Mode=demo to hand out dev tokens on purpose.");
        }
        else if (string.Equals(Mode, Demo, StringComparison.OrdinalIgnoreCase) || string.Equals(Mode, Oidc, StringComparison.OrdinalIgnoreCase))
        {
            Mode = Mode.ToLowerInvariant();
        }
        else
        {
            throw new InvalidOperationException($"Auth__Mode is '{Mode}'; it must be 'demo' or 'oidc'.");
        }
    }
}
