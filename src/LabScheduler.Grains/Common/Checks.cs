using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;

namespace LabScheduler.Grains.Common;

/// <summary>Input checks the grains repeat whatever the caller already checked (defence in depth).</summary>
internal static class Checks
{
    public static Problem? Id(string? id, string field) =>
        ReferenceIds.IsValid(id) ? null : new Problem(ErrorCodes.Validation, $"{field} must match ^[a-z0-9][a-z0-9-]{{1,63}}$.");

    public static Problem? Zone(string? zone) =>
        LabTime.FindZone(zone) is { IsSuccess: false, Error: var error } ? Problem.From(error) : null;

    public static Problem? State(string? code, string field) =>
        MemberStates.IsKnown(code) ? null : new Problem(ErrorCodes.Validation, $"{field} '{code}' is not an ISO 3166-1 alpha-2 country code.");

    public static Problem? Text(string? text, string field, int max = 200) =>
        string.IsNullOrWhiteSpace(text) || text.Length > max
            ? new Problem(ErrorCodes.Validation, $"{field} is required, at most {max} characters.")
            : null;

    public static Problem? Email(string? email) =>
        email is { Length: >= 3 and <= 320 } && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 1 && !email.Any(char.IsWhiteSpace)
            ? null
            : new Problem(ErrorCodes.Validation, "email must be an e-mail address.");

    public static Problem? Category(string? category) =>
        ReferenceIds.IsValid(category) ? null : new Problem(ErrorCodes.Validation, "category must be lower-case letters, digits and hyphens (e.g. \"nmr\", \"cryo-em\").");

    /// <summary>The first problem found, or null.</summary>
    public static Problem? First(params Problem?[] problems) => problems.FirstOrDefault(p => p is not null);

    public static Problem NotFound(string what, string id) => new(ErrorCodes.NotFound, $"No {what} '{id}'.");

    public static Problem Exists(string what, string id) => new(ErrorCodes.AlreadyExists, $"A {what} '{id}' exists already.");
}
