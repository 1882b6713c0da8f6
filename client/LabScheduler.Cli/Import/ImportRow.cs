using System.Text.Json.Nodes;

namespace LabScheduler.Cli.Import;

/// <summary>
/// One row of an import file: the line it starts on, the request body, the lab (instruments) or
/// members (teams) it names, or the reason it cannot be sent at all.
/// </summary>
internal sealed record ImportRow(int Line, string? Id, JsonObject Body, string? LabId, IReadOnlyList<string> Members, string? Problem);
