using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace LabScheduler.Cli.Http;

/// <summary>
/// Retries of requests that are safe to repeat: an outage (503 <c>unavailable</c>, 429 with
/// <c>Retry-After</c>) or a dropped connection. GET, PUT, PATCH and DELETE are repeated as they are; a
/// POST only when it carries an <c>Idempotency-Key</c>, which the retry sends again unchanged, so the
/// gateway answers a repeat of a request that did arrive with its first answer instead of acting twice.
/// </summary>
internal static class Retries
{
    /// <summary>Attempts after the first one.</summary>
    public const int MaxRetries = 3;

    public static HttpMessageHandler Around(HttpMessageHandler inner, TimeSpan firstDelay)
    {
        var retrying = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .Build();
        var once = ResiliencePipeline<HttpResponseMessage>.Empty;
        return new ResilienceHandler(request => IsRepeatable(request) ? retrying : once) { InnerHandler = inner };
    }

    public static bool IsRepeatable(HttpRequestMessage request) =>
        request.Method != HttpMethod.Post || request.Headers.Contains(ApiClient.IdempotencyHeader);

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Result.StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests } => true,
        _ => false,
    };
}
