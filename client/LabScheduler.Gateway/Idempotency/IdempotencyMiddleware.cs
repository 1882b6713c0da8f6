using System.Security.Cryptography;
using LabScheduler.Domain.Errors;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;

namespace LabScheduler.Gateway.Idempotency;

/// <summary>
/// For POSTs marked <see cref="IdempotentAttribute"/> with an Idempotency-Key header: the same
/// key and body get the first response again (status, body, Location); the same key with another
/// body is 422 idempotency.mismatch; while the first is still running, 409 idempotency.in-progress. Responses of 5xx
/// are not kept, so a retry runs anew. A booking writes its key's row itself
/// (<see cref="IdempotentAttribute.KeyWrittenWithResult"/>): no claim and no completion of its own.
/// </summary>
public sealed partial class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, NodaTime.IClock clock, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";
    private const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxBody = 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method)
            || http.GetEndpoint()?.Metadata.GetMetadata<IdempotentAttribute>() is not { } idempotent
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
        var userId = http.User.Actor().UserId;
        if (idempotent.KeyWrittenWithResult)
        {
            await KeptByEndpointAsync(http, userId, key, hash);
            return;
        }

        var (outcome, first) = await store.ClaimAsync(userId, key, hash, http.RequestAborted);
        switch (outcome)
        {
            case ClaimOutcome.Mismatch:
                await MismatchAsync(http);
                return;
            case ClaimOutcome.InProgress:
                await InProgressAsync(http);
                return;
            case ClaimOutcome.Replay:
                await ReplayAsync(http, first!);
                return;
        }

        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        var completed = false;
        using var running = new CancellationTokenSource();
        var renewing = RenewWhileRunningAsync(userId, key, hash, running.Token);

        // The response is stored for the retries whether or not this caller still listens, so it is made
        // in full: with the caller's abort token, a caller that gave up (a client timeout) would cut the
        // body's JSON short (WriteAsJsonAsync ends quietly when its token is cancelled) and a 201 with an
        // empty body would be stored and replayed.
        var aborted = http.RequestAborted;
        http.RequestAborted = CancellationToken.None;
        try
        {
            await next(http);
            completed = true;
        }
        finally
        {
            http.RequestAborted = aborted;
            http.Response.Body = original;
            await running.CancelAsync();
            await renewing;

            // A client that gave up waiting retries: what it gets must not depend on whether it was still listening.
            if (completed && http.Response.StatusCode < 500)
            {
                await store.CompleteAsync(userId, key, Response(http, hash, captured), CancellationToken.None);
            }
            else
            {
                await AbandonAsync(userId, key);
            }
        }

        await original.WriteAsync(captured.ToArray(), http.RequestAborted);
    }

    /// <summary>
    /// An endpoint that writes the key's row with what it creates runs at once, with no claim before
    /// it: a retry finds what the first attempt created by the id derived from the key, and a
    /// concurrent request with the key either finds it too or is refused by the key's primary key.
    /// An answer that created nothing (a refusal) is kept here, so that a retry gets it again and
    /// another request with the key gets 422 even though no booking holds the key.
    /// </summary>
    private async Task KeptByEndpointAsync(HttpContext http, string userId, string key, byte[] hash)
    {
        var feature = new RequestKeyFeature(key, hash, clock.GetCurrentInstant());
        http.Features.Set(feature);
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;

        // As below: the answer may be kept for retries, so it is made in full even if the caller gave up.
        var aborted = http.RequestAborted;
        http.RequestAborted = CancellationToken.None;
        try
        {
            await next(http);
        }
        finally
        {
            http.RequestAborted = aborted;
            http.Response.Body = original;
        }

        if (feature.Taken
            || (!feature.Kept && http.Response.StatusCode < 500 && !await store.KeepFirstAsync(userId, key, Response(http, hash, captured), CancellationToken.None)))
        {
            http.Response.Clear();
            await AnswerFromRowAsync(http, userId, key, hash);
            return;
        }

        if (feature.Replayed)
        {
            http.Response.Headers[ReplayedHeader] = "true";
        }

        await original.WriteAsync(captured.ToArray(), http.RequestAborted);
    }

    // The key is another request's (or an earlier attempt's answer): what its row says.
    private async Task AnswerFromRowAsync(HttpContext http, string userId, string key, byte[] hash)
    {
        var (outcome, stored) = await store.OutcomeOfRowAsync(userId, key, hash, http.RequestAborted);
        switch (outcome)
        {
            case ClaimOutcome.Replay:
                await ReplayAsync(http, stored!);
                break;
            case ClaimOutcome.InProgress or ClaimOutcome.Started:
                // Its first request still runs, or its booking is being written: the retry finds it.
                await InProgressAsync(http);
                break;
            default:
                // Another request's, or no row at all: then the key's booking id names another request's booking.
                await MismatchAsync(http);
                break;
        }
    }

    private static StoredResponse Response(HttpContext http, byte[] hash, MemoryStream captured) =>
        new(hash, http.Response.StatusCode, http.Response.ContentType, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, captured.ToArray());

    private static Task MismatchAsync(HttpContext http) =>
        ApiProblem.Result(ErrorCodes.IdempotencyMismatch, $"The {Header} was used before with a different request.").ExecuteAsync(http);

    private static Task InProgressAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return ApiProblem.Result("idempotency.in-progress", $"A request with this {Header} is still running; retry in a moment.", status: StatusCodes.Status409Conflict)
            .ExecuteAsync(http);
    }

    private static async Task ReplayAsync(HttpContext http, StoredResponse first)
    {
        http.Response.StatusCode = first.Status;
        http.Response.ContentType = first.ContentType;
        if (first.Location is not null)
        {
            http.Response.Headers.Location = first.Location;
        }

        http.Response.Headers[ReplayedHeader] = "true";
        await http.Response.Body.WriteAsync(first.Body, http.RequestAborted);
    }

    /// <summary>
    /// Gives the claim up after a failure. When that fails too (the database is what failed), the
    /// claim stays pending and is taken over once its lease runs out; the request's own failure is
    /// what the caller must hear, so this one is only logged.
    /// </summary>
    private async Task AbandonAsync(string userId, string key)
    {
        try
        {
            await store.AbandonAsync(userId, key, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException e)
        {
            LogAbandonFailed(logger, e);
        }
    }

    private async Task RenewWhileRunningAsync(string userId, string key, byte[] hash, CancellationToken running)
    {
        using var timer = new PeriodicTimer(IdempotencyStore.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(running))
            {
                try
                {
                    await store.RenewAsync(userId, key, hash, running);
                }
                catch (Npgsql.NpgsqlException e)
                {
                    LogRenewFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the request ended
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give up an idempotency claim; it is taken over when its lease runs out")]
    private static partial void LogAbandonFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew an idempotency claim")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

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
