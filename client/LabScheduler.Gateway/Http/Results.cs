using LabScheduler.Contracts.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabScheduler.Gateway.Http;

/// <summary>Turns a grain's answer into an HTTP result.</summary>
public static class CommandResults
{
    public static Results<Ok<TView>, ProblemHttpResult> Ok<T, TView>(CommandResult<T> result, Func<T, TView> view) =>
        result.IsSuccess ? TypedResults.Ok(view(result.Value!)) : ApiProblem.From(result.Problem!);

    public static Results<Created<TView>, ProblemHttpResult> Created<T, TView>(CommandResult<T> result, Func<T, TView> view, Func<T, string> location) =>
        result.IsSuccess ? TypedResults.Created(location(result.Value!), view(result.Value!)) : ApiProblem.From(result.Problem!);
}
