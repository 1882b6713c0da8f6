using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace LabScheduler.Gateway.Auth;

/// <summary>
/// Demo mode only: signs short-lived access tokens with a key made once per data folder and
/// kept in a file readable by its owner only. Never a key in the source.
/// </summary>
public sealed class DevTokens
{
    public const string Issuer = "labsched-demo";
    public const string Audience = "labsched";

    private readonly IClock _clock;
    private readonly TimeSpan _lifetime;

    public DevTokens(AuthSettings settings, IClock clock)
    {
        _clock = clock;
        _lifetime = settings.DevTokenLifetime;
        var path = settings.DevKeyFile ?? Path.Combine(Environment.GetEnvironmentVariable("LABSCHED_DATA") ?? ".data", "dev-signing.key");
        SigningKey = new SymmetricSecurityKey(LoadOrCreateKey(path)) { KeyId = "dev" };
        KeyFile = path;
    }

    public SymmetricSecurityKey SigningKey { get; }

    public string KeyFile { get; }

    /// <summary>A token for <paramref name="userId"/> and when it expires.</summary>
    public (string Token, Instant ExpiresAt) Issue(string userId)
    {
        var now = _clock.GetCurrentInstant();
        var expires = now + Duration.FromTimeSpan(_lifetime);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, userId)]),
            IssuedAt = now.ToDateTimeUtc(),
            NotBefore = now.ToDateTimeUtc(),
            Expires = expires.ToDateTimeUtc(),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
            TokenType = "at+jwt",
        });
        return (token, expires);
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var existing = Convert.FromBase64String(File.ReadAllText(path).Trim());
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        var key = RandomNumberGenerator.GetBytes(64);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // A temporary name of its own: two gateways starting together must not write one file.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Two gateways on one data folder: the first key written wins, the other reads it.
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temporary);
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        return key;
    }
}
