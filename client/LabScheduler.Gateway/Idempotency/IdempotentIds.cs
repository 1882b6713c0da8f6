using System.Security.Cryptography;
using System.Text;
using LabScheduler.Contracts.Common;

namespace LabScheduler.Gateway.Idempotency;

/// <summary>
/// Ids derived from (kind, caller, Idempotency-Key): a retry whose first answer was lost names the
/// same booking, series, blackout or waitlist entry, so the grain finds it instead of making another.
/// </summary>
public static class IdempotentIds
{
    public static Guid? For(string kind, Actor actor, HttpRequest request)
    {
        var key = request.Headers[IdempotencyMiddleware.Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{actor.UserId}\n{key}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
