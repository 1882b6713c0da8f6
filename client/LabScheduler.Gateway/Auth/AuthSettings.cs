namespace LabScheduler.Gateway.Auth;

/// <summary>Authentication settings (section "Auth", environment Auth__*).</summary>
public sealed class AuthSettings
{
    public const string Demo = "demo";
    public const string Oidc = "oidc";

    /// <summary>"demo" (dev tokens from /api/v1/auth/dev-token, the default of ./run.sh) or "oidc".</summary>
    public string Mode { get; set; } = Demo;

    /// <summary>OIDC issuer: discovery document and signing keys are read from it.</summary>
    public string? Authority { get; set; }

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
}
