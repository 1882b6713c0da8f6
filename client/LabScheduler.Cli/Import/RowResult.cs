namespace LabScheduler.Cli.Import;

/// <summary>What became of one import row; <see cref="Exit"/> is 0 unless it failed.</summary>
internal sealed record RowResult(int Line, string? Id, string Outcome, int? Status, string? Code, string? Detail, string? Response, int Exit)
{
    public const string Created = "created";
    public const string Replayed = "replayed";
    public const string Exists = "exists";
    public const string Failed = "failed";

    public bool IsFailure => Outcome == Failed;
}
