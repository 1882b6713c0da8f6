using System.Security.Cryptography;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;

namespace LabScheduler.Gateway.Idempotency;

/// <summary>
/// For POSTs marked <see cref="IdempotentAttribute"/> with an Idempotency-Key header: the same
/// key and body get the first response again (status, body, Location); the same key with another
/// body is 422 idempotency.mismatch. Responses of 5xx are not kept, so a retry runs anew.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store)
{
    public const string Header = "Idempotency-Key";
    private const int MaxBody = 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method)
            || http.GetEndpoint()?.Metadata.GetMetadata<IdempotentAttribute>() is null
            || !http.Request.Headers.TryGetValue(Header, out var values)
            || http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(char.IsControl))
        {
            await ApiProblem.Validation(Header, "must be 1 to 255 printable characters").ExecuteAsync(http);
            return;
        }

        var hash = await HashRequestAsync(http.Request, http.RequestAborted);
        await using var claim = await store.ClaimAsync(http.User.Actor().UserId, key, http.RequestAborted);
        if (claim.Existing is { } first)
        {
            if (!first.RequestHash.AsSpan().SequenceEqual(hash))
            {
                await ApiProblem.Result(ErrorCodes.IdempotencyMismatch, $"The {Header} was used before with a different request.").ExecuteAsync(http);
                return;
            }

            http.Response.StatusCode = first.Status;
            http.Response.ContentType = first.ContentType;
            if (first.Location is not null)
            {
                http.Response.Headers.Location = first.Location;
            }

            http.Response.Headers["Idempotent-Replayed"] = "true";
            await http.Response.Body.WriteAsync(first.Body, http.RequestAborted);
            return;
        }

        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        var body = captured.ToArray();
        if (http.Response.StatusCode < 500)
        {
            await claim.SaveAsync(
                new StoredResponse(hash, http.Response.StatusCode, http.Response.ContentType, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, body),
                CancellationToken.None); // a client that gave up waiting retries: the answer must be there for it
        }

        await original.WriteAsync(body, http.RequestAborted);
    }

    private static async Task<byte[]> HashRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering(MaxBody);
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hasher.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return hasher.GetHashAndReset();
    }
}
