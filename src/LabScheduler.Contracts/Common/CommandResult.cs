using LabScheduler.Domain.Errors;

namespace LabScheduler.Contracts.Common;

/// <summary>A grain's answer to a command: a value, or a problem with a stable code.</summary>
[GenerateSerializer, Immutable, Alias("ls.CommandResult`1")]
public sealed record CommandResult<T>
{
    [Id(0)] public T? Value { get; init; }

    [Id(1)] public Problem? Problem { get; init; }

    public bool IsSuccess => Problem is null;

    public static CommandResult<T> Ok(T value) => new() { Value = value };

    public static CommandResult<T> Fail(string code, string detail) => new() { Problem = new Problem(code, detail) };

    public static CommandResult<T> Fail(Error error) => Fail(error.Code, error.Detail);

    public static implicit operator CommandResult<T>(Problem problem) => new() { Problem = problem };
}

/// <summary>Why a command was refused: a stable code and a detail for people.</summary>
[GenerateSerializer, Immutable, Alias("ls.Problem")]
public sealed record Problem([property: Id(0)] string Code, [property: Id(1)] string Detail)
{
    /// <summary>Extra facts, such as the conflicting intervals of a blackout.</summary>
    [Id(2)] public IReadOnlyList<string> Items { get; init; } = [];

    public static Problem From(Error error) => new(error.Code, error.Detail);
}
