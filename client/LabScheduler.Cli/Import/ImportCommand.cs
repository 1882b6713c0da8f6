using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Import;

/// <summary>
/// import: creates reference data row by row. A failing row is reported and the rest go on. Each row's
/// Idempotency-Key comes from the file's content and the row's line, so running the same file again
/// creates nothing twice; an id that exists already (409 conflict.exists) counts as done.
/// </summary>
internal static class ImportCommand
{
    private const string ExistsCode = "conflict.exists";

    public static CommandDef Definition => new CommandDef("import", "create reference data from a CSV or JSON file", RunAsync)
        .Arg("file", "a .csv or .json file")
        .Value("--kind", "KIND", "what each row creates", required: true, "users", "labs", "teams", "instruments")
        .Value("--encoding", "NAME", "the CSV file's encoding (default utf-8; Excel in Chinese saves gb18030, in Russian windows-1251)", required: false, "utf-8", "gb18030", "windows-1251")
        .Value("--delimiter", "SEP", "the CSV separator (default: detected from the header line)", required: false, ",", ";", "tab")
        .Help("""
            One POST per row (admin; instruments: the lab's managers too). The first CSV line names
            the columns; a JSON file is an array of the API's request bodies.
              users        id, displayName, email, timeZone, memberState, roles (a;b)
              labs         id, name, hostInstitution, memberState, timeZone, partnerStates (TJ;KZ)
              teams        id, name, institution, memberState, members (alice;bob: PUT after POST)
              instruments  labId, id, name, category, currency, rateInternal, ratePartner,
                           rateExternal, and optional rules: slotMinutes, minMinutes, maxMinutes,
                           bufferMinutes, leadMinutes, horizonDays, requiresApproval,
                           requiresAuthorization, capacity, noShowMinutes, waitlistAutoBook,
                           offerMinutes, chargeActual, chargeNoShow, minimumChargeMinutes;
                           any other rule as a column rules.NAME
            CSV: UTF-8 unless --encoding says otherwise; a byte that is not of the encoding stops
            the import before anything is sent, naming its line. Separators ',' or ';' (as Excel
            writes CSV in Russian, with decimal commas: 120,50) or tab; list cells separate their
            entries with ';' or ','.
            A row that fails is reported with its line and the API's code, and the rest continue;
            the exit code is then that of the first failed row. Re-running a file is safe: rows
            already created are replayed or reported as "exists". On a terminal, progress is shown
            on stderr.
            """);

    private static async Task<int> RunAsync(CliContext c, ParsedCommand command)
    {
        var file = command.Positional(0);
        var kindName = command.Required("--kind");
        var kind = ImportKind.Find(kindName)
            ?? throw new UsageException($"--kind '{kindName}' is not one of {string.Join(", ", ImportKind.All.Select(k => k.Name))}");

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{file}': {e.Message}");
        }

        var rows = Path.GetExtension(file).ToUpperInvariant() switch
        {
            ".CSV" => CsvRows.Read(CsvFile.Read(TextDecoding.Decode(bytes, command.Value("--encoding") ?? "utf-8"), command.Value("--delimiter")), kind, c.Err),
            ".JSON" => JsonRows.Read(bytes, kind),
            _ => throw new UsageException($"'{file}' is neither .csv nor .json"),
        };

        var keyPrefix = $"labsched-import-{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}-{kind.Name}";
        var results = await Progress.RunAsync(c.Screen, $"importing {kind.Name}", rows.Count, async step =>
        {
            var done = new List<RowResult>();
            foreach (var row in rows)
            {
                var result = await ImportAsync(c, kind, row, $"{keyPrefix}-{row.Line}");
                done.Add(result);
                step();
                if (result.Code == "network")
                {
                    c.Err.WriteLine($"error: stopped: {rows.Count - done.Count} rows after line {row.Line} were not attempted");
                    break;
                }
            }

            return done;
        });

        if (c.Json)
        {
            WriteJson(c, results);
        }
        else
        {
            WriteTable(c, kind, results, rows.Count);
        }

        return results.FirstOrDefault(r => r.IsFailure)?.Exit ?? ExitCodes.Ok;
    }

    private static async Task<RowResult> ImportAsync(CliContext c, ImportKind kind, ImportRow row, string key)
    {
        if (row.Problem is not null)
        {
            c.Err.WriteLine($"error: line {row.Line}: validation: {row.Problem}");
            return new RowResult(row.Line, row.Id, RowResult.Failed, null, "validation", row.Problem, null, ExitCodes.Validation);
        }

        try
        {
            var response = await c.Api.PostAsync(kind.PathFor(row.LabId), row.Body, key);
            string outcome;
            if (response.IsSuccess)
            {
                outcome = response.Replayed ? RowResult.Replayed : RowResult.Created;
            }
            else if (response.Status == 409 && response.ProblemCode == ExistsCode)
            {
                outcome = RowResult.Exists;
            }
            else
            {
                return Failure(c, row, response, prefix: "");
            }

            foreach (var member in row.Members)
            {
                var added = await c.Api.PutAsync($"teams/{Query.Segment(row.Id ?? "")}/members/{Query.Segment(member)}");
                if (!added.IsSuccess)
                {
                    return Failure(c, row, added, prefix: $"member '{member}': ");
                }
            }

            var detail = row.Members.Count > 0 ? $"{row.Members.Count} member(s)" : null;
            return new RowResult(row.Line, row.Id, outcome, response.Status, outcome == RowResult.Exists ? ExistsCode : null, detail, response.Body, ExitCodes.Ok);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            c.Err.WriteLine($"error: line {row.Line}: network: {e.Message} ({c.ApiText})");
            return new RowResult(row.Line, row.Id, RowResult.Failed, null, "network", e.Message, null, ExitCodes.ServerOrNetwork);
        }
    }

    private static RowResult Failure(CliContext c, ImportRow row, ApiResponse response, string prefix)
    {
        var exit = ProblemReport.Write(response, c.Err, $"line {row.Line}{(row.Id is null ? "" : $" ({row.Id})")}: {prefix}");
        var (code, detail) = ProblemReport.Describe(response);
        return new RowResult(row.Line, row.Id, RowResult.Failed, response.Status, code, prefix + detail, response.Body, exit);
    }

    private static void WriteTable(CliContext c, ImportKind kind, IReadOnlyList<RowResult> results, int rowCount)
    {
        if (rowCount == 0)
        {
            c.Out.WriteLine("The file has no rows.");
            return;
        }

        var table = new Table("LINE", "ID", "RESULT", "DETAIL");
        foreach (var r in results)
        {
            var detail = r.IsFailure ? $"{r.Code}: {r.Detail}" : r.Detail ?? "";
            table.Add(r.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Id ?? "", r.Outcome, detail);
        }

        c.Screen.Write(table);
        var counts = new[] { RowResult.Created, RowResult.Replayed, RowResult.Exists, RowResult.Failed }
            .Select(outcome => (Outcome: outcome, Count: results.Count(r => r.Outcome == outcome)))
            .Where(o => o.Count > 0)
            .Select(o => $"{o.Count} {o.Outcome}");
        var skipped = rowCount - results.Count;
        c.Out.WriteLine($"{kind.Name}: {rowCount} {(rowCount == 1 ? "row" : "rows")}: {string.Join(", ", counts)}{(skipped > 0 ? $", {skipped} not attempted" : "")}.");
    }

    private static void WriteJson(CliContext c, IReadOnlyList<RowResult> results)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", r.Line);
                WriteOptional(writer, "id", r.Id);
                writer.WriteString("result", r.Outcome);
                if (r.Status is { } status)
                {
                    writer.WriteNumber("status", status);
                }

                WriteOptional(writer, "code", r.Code);
                WriteOptional(writer, "detail", r.Detail);
                if (r.Response is { Length: > 0 } body && IsJson(body))
                {
                    writer.WritePropertyName("response");
                    writer.WriteRawValue(body);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        c.Out.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
