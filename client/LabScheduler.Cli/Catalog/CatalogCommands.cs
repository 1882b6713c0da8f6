using System.Text.Json;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Catalog;

/// <summary>labs, instruments, instrument: the catalog anyone signed in may read.</summary>
internal static class CatalogCommands
{
    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("labs", "all joint labs (every page)", LabsAsync).Help("GET /api/v1/labs, following the next cursors to the end."),
        new CommandDef("instruments", "instruments, filtered (every page)", InstrumentsAsync)
            .Value("--category", "X", "nmr, cryo-em, mass-spec, ...")
            .Value("--lab", "ID", "one lab's instruments")
            .Value("--member-state", "CC", "ISO 3166-1 alpha-2 code of the lab's country (CN, KZ, ...)")
            .Help("GET /api/v1/instruments?category=&labId=&memberState=, every page."),
    ];

    private static Task<int> LabsAsync(CliContext c, ParsedCommand command) =>
        c.ShowListAsync("labs", labs =>
        {
            var table = new Table("ID", "NAME", "INSTITUTION", "STATE", "TIME ZONE", "PARTNERS", "MANAGERS");
            foreach (var lab in labs)
            {
                table.Add(
                    JsonText.Field(lab, "id"), JsonText.Field(lab, "name"), JsonText.Field(lab, "hostInstitution"), JsonText.Field(lab, "memberState"),
                    JsonText.Field(lab, "timeZone"), JsonText.Field(lab, "partnerStates"), JsonText.Field(lab, "managers"));
            }

            c.Print(table, "labs");
        }, CancellationToken.None);

    private static Task<int> InstrumentsAsync(CliContext c, ParsedCommand command)
    {
        var path = Query.Path("instruments",
            ("category", command.Value("--category")), ("labId", command.Value("--lab")), ("memberState", command.Value("--member-state")));
        return c.ShowListAsync(path, instruments =>
        {
            var table = new Table("ID", "LAB", "NAME", "CATEGORY", "STATUS", "TIME ZONE", "RATE/H INTERNAL/PARTNER/EXTERNAL");
            foreach (var i in instruments)
            {
                table.Add(
                    JsonText.Field(i, "id"), JsonText.Field(i, "labId"), JsonText.Field(i, "name"), JsonText.Field(i, "category"),
                    JsonText.Field(i, "status"), JsonText.Field(i, "timeZone"), Rates(i));
            }

            c.Print(table, "instruments");
        }, CancellationToken.None);
    }

    public static async Task<int> InstrumentAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync("instruments/" + Query.Segment(command.Positional(0)));
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        return c.Show(response, i =>
        {
            var details = new Details()
                .Add("instrument", JsonText.Field(i, "id"))
                .Add("name", JsonText.Field(i, "name"))
                .Add("lab", JsonText.Field(i, "labId"))
                .Add("category", JsonText.Field(i, "category"))
                .Add("status", JsonText.Field(i, "status"))
                .Add("time zone", JsonText.Field(i, "timeZone"))
                .Add("member state", JsonText.Field(i, "memberState"))
                .Add("rate/h internal", Money(i, "internal"))
                .Add("rate/h partner", Money(i, "partner"))
                .Add("rate/h external", Money(i, "external"));
            if (i.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Object)
            {
                foreach (var rule in rules.EnumerateObject())
                {
                    details.Add(rule.Name, JsonText.Of(rule.Value));
                }
            }

            details.Add("authorized users", JsonText.Field(i, "authorizedUsers")).WriteTo(c.Out);
        });
    }

    private static string Rates(JsonElement instrument) =>
        $"{JsonText.Field(instrument, "rates.internal")}/{JsonText.Field(instrument, "rates.partner")}/{JsonText.Field(instrument, "rates.external")} {JsonText.Field(instrument, "currency")}";

    private static string Money(JsonElement instrument, string tariff) =>
        JsonText.Field(instrument, "rates." + tariff) is { Length: > 0 } amount ? $"{amount} {JsonText.Field(instrument, "currency")}" : "";
}
