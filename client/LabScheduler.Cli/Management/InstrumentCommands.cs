using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.Catalog;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Management;

/// <summary>instrument (show, create, rules, status) and training (sign-offs): what lab managers change about an instrument.</summary>
internal static class InstrumentCommands
{
    public static readonly string[] Statuses = ["active", "maintenance", "retired"];

    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("instrument", "one instrument (rates, rules, lab time zone), or create and change one", ShowAsync)
            .Arg("id", "the instrument to show", required: false)
            .Help("GET /api/v1/instruments/{id}. The subcommands change instruments (the lab's managers, admins).")
            .Sub(
                new CommandDef("create", "create an instrument in a lab", CreateAsync)
                    .Arg("labId", "the lab")
                    .Arg("id", "the new instrument's id (a-z, 0-9, -)")
                    .Value("--name", "TEXT", "its name", required: true)
                    .Value("--category", "X", "nmr, cryo-em, mass-spec, ...", required: true)
                    .Value("--currency", "ISO", "ISO 4217 code of its rates (CNY, RUB, KZT, ...)", required: true)
                    .Value("--rate-internal", "N", "per hour, for teams of the lab's own country", required: true)
                    .Value("--rate-partner", "N", "per hour, for teams of the lab's partner states", required: true)
                    .Value("--rate-external", "N", "per hour, for everyone else", required: true)
                    .Values("--rule", "NAME=VALUE", "a booking rule, repeatable: slotMinutes=30, requiresApproval=true, shares={\"CN\":50,\"*\":50}")
                    .Help("POST /api/v1/labs/{labId}/instruments (sent with an Idempotency-Key, so a retry creates it once)."),
                new CommandDef("rules", "change booking rules; rules left out keep their value", RulesAsync)
                    .Arg("id", "the instrument")
                    .Values("--set", "NAME=VALUE", "a rule, repeatable: capacity=2, bufferMinutes=15, requiresApproval=true")
                    .Flag("--cancel-conflicting", "cancel the future bookings the new rules break instead of refusing (409 rules.conflict)")
                    .Help("""
                        PATCH /api/v1/instruments/{id} {"rules":{...}}. Rules: slotMinutes, minMinutes,
                        maxMinutes, bufferMinutes, leadMinutes, horizonDays, requiresApproval,
                        requiresAuthorization, capacity, noShowMinutes, waitlistAutoBook, offerMinutes,
                        chargeActual, chargeNoShow, minimumChargeMinutes, shares (JSON object),
                        sharesHard, cancelDeadlineHours.
                        """),
                new CommandDef("status", "set the instrument active, in maintenance or retired", StatusAsync)
                    .Arg("id", "the instrument")
                    .Arg("status", "active, maintenance or retired", true, false, Statuses)
                    .Help("PATCH /api/v1/instruments/{id} {\"status\":...}. Bookings are refused while it is not active.")),
        new CommandDef("training", "training sign-offs: who may book instruments that require authorization")
            .Sub(
                new CommandDef("list", "the users signed off on an instrument", TrainedAsync)
                    .Arg("instrumentId", "the instrument")
                    .Help("The instrument's authorizedUsers (GET /api/v1/instruments/{id})."),
                new CommandDef("grant", "sign users off on an instrument", (c, p) => AuthorizeAsync(c, p, grant: true))
                    .Arg("instrumentId", "the instrument")
                    .Arg("userId", "the users", many: true)
                    .Help("PUT /api/v1/instruments/{id}/authorized-users/{userId} for each user."),
                new CommandDef("revoke", "withdraw users' sign-offs", (c, p) => AuthorizeAsync(c, p, grant: false))
                    .Arg("instrumentId", "the instrument")
                    .Arg("userId", "the users", many: true)
                    .Help("DELETE /api/v1/instruments/{id}/authorized-users/{userId} for each user.")),
    ];

    private static Task<int> ShowAsync(CliContext c, ParsedCommand command) =>
        command.Positionals.Count == 0
            ? throw new UsageException("missing <id> (or a subcommand: create, rules, status)")
            : CatalogCommands.InstrumentAsync(c, command);

    private static async Task<int> CreateAsync(CliContext c, ParsedCommand command)
    {
        var body = new JsonObject
        {
            ["id"] = command.Positional(1),
            ["name"] = command.Required("--name"),
            ["category"] = command.Required("--category"),
            ["currency"] = command.Required("--currency"),
            ["rates"] = new JsonObject
            {
                ["internal"] = Money("--rate-internal", command.Required("--rate-internal")),
                ["partner"] = Money("--rate-partner", command.Required("--rate-partner")),
                ["external"] = Money("--rate-external", command.Required("--rate-external")),
            },
        };
        if (command.Values("--rule").Count > 0)
        {
            body["rules"] = Rules(command.Values("--rule"), "--rule");
        }

        var response = await c.Api.PostAsync($"labs/{Query.Segment(command.Positional(0))}/instruments", body, Guid.NewGuid().ToString());
        return response.IsSuccess ? c.Show(response, i => c.Out.WriteLine($"Created {JsonText.Field(i, "id")} in {JsonText.Field(i, "labId")} ({JsonText.Field(i, "timeZone")}).")) : c.Fail(response);
    }

    private static async Task<int> RulesAsync(CliContext c, ParsedCommand command)
    {
        if (command.Values("--set").Count == 0)
        {
            throw new UsageException("give at least one --set NAME=VALUE");
        }

        var body = new JsonObject { ["rules"] = Rules(command.Values("--set"), "--set") };
        if (command.Has("--cancel-conflicting"))
        {
            body["cancelConflicting"] = true;
        }

        return await PatchAsync(c, command.Positional(0), body);
    }

    private static Task<int> StatusAsync(CliContext c, ParsedCommand command) =>
        PatchAsync(c, command.Positional(0), new JsonObject { ["status"] = command.Positional(1) });

    private static async Task<int> PatchAsync(CliContext c, string id, JsonObject body)
    {
        var response = await c.Api.SendAsync(HttpMethod.Patch, "instruments/" + Query.Segment(id), body, null);
        return response.IsSuccess ? c.Show(response, i => c.Out.WriteLine($"{JsonText.Field(i, "id")}: status {JsonText.Field(i, "status")}; rules {JsonText.Field(i, "rules")}")) : c.Fail(response);
    }

    private static async Task<int> TrainedAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync("instruments/" + Query.Segment(command.Positional(0)));
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        return c.Show(response, i =>
        {
            var table = new Table("USER");
            foreach (var user in JsonText.Member(i, "authorizedUsers") is { ValueKind: JsonValueKind.Array } users ? users.EnumerateArray() : default)
            {
                table.Add(JsonText.Of(user));
            }

            c.Print(table, "users signed off");
        });
    }

    private static async Task<int> AuthorizeAsync(CliContext c, ParsedCommand command, bool grant)
    {
        var instrument = command.Positional(0);
        var exit = ExitCodes.Ok;
        foreach (var user in command.Positionals.Skip(1))
        {
            var path = $"instruments/{Query.Segment(instrument)}/authorized-users/{Query.Segment(user)}";
            var response = grant ? await c.Api.PutAsync(path) : await c.Api.SendAsync(HttpMethod.Delete, path, null, null);
            if (!response.IsSuccess)
            {
                var failed = ProblemReport.Write(response, c.Err, $"{user}: ");
                exit = exit == ExitCodes.Ok ? failed : exit;
            }
            else if (!c.Json)
            {
                c.Out.WriteLine(grant ? $"{user} may book {instrument}." : $"{user} is no longer signed off on {instrument}.");
            }
        }

        return exit;
    }

    /// <summary><c>NAME=VALUE</c> pairs as a rules object: numbers, true/false and JSON objects as such, the rest as text.</summary>
    public static JsonObject Rules(IEnumerable<string> pairs, string option)
    {
        var rules = new JsonObject();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"{option} '{pair}' is not NAME=VALUE");
            }

            var value = pair[(equals + 1)..].Trim();
            rules[pair[..equals].Trim()] = ParseValue(value);
        }

        return rules;
    }

    private static JsonNode? ParseValue(string value)
    {
        if (value.Length > 0 && (value[0] is '{' or '[' || bool.TryParse(value, out _) || decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            try
            {
                return JsonNode.Parse(value.ToLowerInvariant() is "true" or "false" ? value.ToLowerInvariant() : value);
            }
            catch (JsonException e)
            {
                throw new UsageException($"'{value}' is not valid JSON: {e.Message}");
            }
        }

        return JsonValue.Create(value);
    }

    private static JsonNode Money(string option, string value) =>
        decimal.TryParse(value.Replace(',', '.'), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var amount)
            ? JsonValue.Create(amount)
            : throw new UsageException($"{option} '{value}' is not an amount (e.g. 120.50)");
}
