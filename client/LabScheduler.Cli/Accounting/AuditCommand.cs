using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Accounting;

/// <summary>audit: who changed what and when (administrators), every page, times in your zone.</summary>
internal static class AuditCommand
{
    public static CommandDef Definition => new CommandDef("audit", "who changed what and when (admin), oldest first, every page", RunAsync)
        .Value("--entity", "KIND", "booking, instrument, lab, team, user, usage-entry, ...")
        .Value("--entity-id", "ID", "one entity's changes")
        .Value("--from", "DATE|INSTANT", "not before (a date is read in UTC)")
        .Value("--to", "DATE|INSTANT", "before")
        .Flag("--csv", "CSV on stdout (times in UTC as the API gives them)")
        .Help("GET /api/v1/audit?entity=&entityId=&from=&to=, following the cursors to the end.");

    private static async Task<int> RunAsync(CliContext c, ParsedCommand command)
    {
        var path = Query.Path("audit",
            ("entity", command.Value("--entity")), ("entityId", command.Value("--entity-id")),
            ("from", command.Value("--from") is { } f ? TimeArgument.InstantOrDate("--from", f) : null),
            ("to", command.Value("--to") is { } t ? TimeArgument.InstantOrDate("--to", t) : null));
        var zone = c.Json || command.Has("--csv") ? NodaTime.DateTimeZone.Utc : await c.UserZoneAsync();
        return await c.ShowListAsync(path, records =>
        {
            var rows = records.Select(r => (IReadOnlyList<string>)[
                JsonText.Field(r, "seq"), command.Has("--csv") ? JsonText.Field(r, "at") : Zones.Show(JsonText.Field(r, "at"), zone),
                JsonText.Field(r, "actor"), JsonText.Field(r, "entity"), JsonText.Field(r, "entityId"), JsonText.Field(r, "action"), JsonText.Field(r, "details")]).ToList();
            if (command.Has("--csv"))
            {
                CsvOut.Write(c.Out, ["seq", "at", "actor", "entity", "entityId", "action", "details"], rows);
                return;
            }

            var table = new Table("SEQ", $"WHEN ({zone.Id})", "WHO", "ENTITY", "ID", "ACTION", "DETAILS");
            foreach (var row in rows)
            {
                table.Add([.. row]);
            }

            c.Print(table, "audit records");
        }, CancellationToken.None);
    }
}
