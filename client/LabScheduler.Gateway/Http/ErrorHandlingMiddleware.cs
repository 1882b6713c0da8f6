using System.Text.Json;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Gateway.Http;

/// <summary>
/// The last line: malformed requests become 400 validation problems; anything unexpected a
/// 500 problem without internals (logged here), never a stack trace to the caller.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        // Every 503 (an outage, a write of unknown outcome) tells the client when to try again (RFC 9110 10.2.3).
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !http.Response.Headers.ContainsKey("Retry-After"))
            {
                http.Response.Headers.RetryAfter = ApiProblem.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        });
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && e is not OperationCanceledException)
        {
            IResult problem;
            switch (e)
            {
                case BadHttpRequestException bad:
                    problem = ApiProblem.Result(
                        ErrorCodes.Validation,
                        bad.StatusCode switch
                        {
                            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                            StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                            _ => Describe(bad),
                        },
                        status: bad.StatusCode is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType ? bad.StatusCode : 400);
                    break;
                case JsonException json:
                    problem = ApiProblem.Validation(json.Path ?? "body", "is not valid JSON of the expected type");
                    break;
                case TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                    or Orleans.Runtime.Messaging.ConnectionFailedException:
                    LogUnavailable(logger, e);
                    problem = ApiProblem.Result(ErrorCodes.Unavailable, "The scheduler cluster did not answer in time; try again.");
                    break;
                case Exception when LabScheduler.Persistence.DatabaseOutage.Is(e):
                    LogUnavailable(logger, e);
                    problem = ApiProblem.Result(ErrorCodes.Unavailable, "The database is not reachable right now; try again.");
                    break;
                default:
                    LogUnexpected(logger, e, http.Request.Method, http.Request.Path);
                    problem = TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
                    {
                        Status = StatusCodes.Status500InternalServerError,
                        Title = "Internal error",
                        Detail = "Something went wrong on our side; it has been logged.",
                        Extensions = { ["code"] = "internal" },
                    });
                    break;
            }

            http.Response.Clear();
            await problem.ExecuteAsync(http);
        }
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json
            ? $"The body is not valid JSON of the expected shape{(json.Path is { } path ? $" at {path}" : "")}."
            : "The request is malformed: " + bad.Message.Split('\n')[0];

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster or the database did not answer")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
