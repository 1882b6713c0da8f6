using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LabScheduler.Gateway.Http;

/// <summary>
/// The one mapping from stable error codes to HTTP: RFC 9457 problem details with a
/// <c>code</c> member, and <c>errors</c> for validation.
/// </summary>
public static class ApiProblem
{
    public const string ContentType = "application/problem+json";

    /// <summary>The status of a code: 400 input, 401/403 rights, 404, 409 state conflicts, 422 rules, 429 too many requests.</summary>
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.Validation or ErrorCodes.UnknownZone => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ when code.StartsWith("auth.", StringComparison.Ordinal) => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound or ErrorCodes.NotificationNotFound => StatusCodes.Status404NotFound,
        ErrorCodes.BookingConflict or ErrorCodes.BlackoutConflict or ErrorCodes.AlreadyExists or ErrorCodes.InvalidTransition
            or ErrorCodes.RulesConflict or ErrorCodes.NotificationDelivered => StatusCodes.Status409Conflict,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>The code used when only a status is known (framework refusals such as 405 or 413).</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ErrorCodes.Unauthenticated,
        StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
        StatusCodes.Status404NotFound => ErrorCodes.NotFound,
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
        >= 500 => "internal",
        _ => ErrorCodes.Validation,
    };

    public static ProblemHttpResult From(Problem problem) => Result(problem.Code, problem.Detail, items: problem.Items);

    public static ProblemHttpResult From(Error error) => Result(error.Code, error.Detail);

    public static ProblemHttpResult NotFound(string detail) => Result(ErrorCodes.NotFound, detail);

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        Result(ErrorCodes.Validation, "The request is not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")), errors);

    public static ProblemHttpResult Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult Result(string code, string detail, IDictionary<string, string[]>? errors = null, IReadOnlyList<string>? items = null, int? status = null)
    {
        status ??= StatusOf(code);
        var problem = new ProblemDetails
        {
            Type = $"https://labsched.example/problems/{code}",
            Title = TitleOf(code),
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        if (items is { Count: > 0 })
        {
            problem.Extensions["conflicts"] = items;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>Seconds a client should wait before retrying after a 503 (every 503 carries it: <see cref="ErrorHandlingMiddleware"/>).</summary>
    public const int RetryAfterSeconds = 2;

    private static string TitleOf(string code) => code switch
    {
        ErrorCodes.Validation => "The request is not valid",
        ErrorCodes.NotFound or ErrorCodes.NotificationNotFound => "Not found",
        ErrorCodes.NotificationDelivered => "The notification was delivered already",
        ErrorCodes.BookingConflict => "The time is taken",
        ErrorCodes.BlackoutConflict => "The blackout would hit bookings",
        ErrorCodes.RulesConflict => "Future bookings would break the new rules",
        ErrorCodes.Unavailable => "Temporarily unavailable",
        ErrorCodes.RateLimited => "Too many requests",
        ErrorCodes.AlreadyExists => "That id exists already",
        ErrorCodes.InvalidTransition => "Not possible in the booking's current status",
        ErrorCodes.IdempotencyMismatch => "Idempotency key reused for another request",
        "idempotency.in-progress" => "The first request with this idempotency key is still running",
        ErrorCodes.Unauthenticated => "Not signed in",
        _ when code.StartsWith("auth.", StringComparison.Ordinal) => "Not allowed",
        _ when code.StartsWith("time.", StringComparison.Ordinal) => "Time not usable",
        _ => "Refused by the booking rules",
    };
}
