using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Accounting;

/// <summary>quota set, shares, usage: what a team may use of an instrument, what a member state is entitled to, what a team used.</summary>
internal static class TeamCommands
{
    private static readonly Report Shares = new([
        ("key", "STATE"), ("percent", "PERCENT"), ("entitledMinutes", "ENTITLED MIN"), ("bookedMinutes", "BOOKED MIN"), ("usedMinutes", "USED MIN"),
    ]);

    private static readonly Report Entries = new([
        ("id", "ENTRY"), ("bookingId", "BOOKING"), ("instrumentId", "INSTRUMENT"), ("labId", "LAB"), ("minutes", "MINUTES"), ("tariff", "TARIFF"),
        ("amount", "AMOUNT"), ("currency", "CURRENCY"), ("kind", "KIND"),
    ]);

    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("quota", "team quotas: minutes per calendar month (lab time) on an instrument")
            .Sub(new CommandDef("set", "set a team's monthly minutes on an instrument", QuotaAsync)
                .Arg("teamId", "the team")
                .Arg("instrumentId", "the instrument")
                .Value("--minutes", "N", "minutes per calendar month in the lab's zone", required: true)
                .Help("PUT /api/v1/teams/{teamId}/quotas/{instrumentId} {minutesPerMonth} (the lab's managers, admins). Bookings beyond it are 422 quota.exceeded.")),
        new CommandDef("shares", "member-state shares of an instrument's month: entitled, booked, used", SharesAsync)
            .Arg("instrumentId", "the instrument")
            .Value("--month", "MONTH", "yyyy-MM, or last / this (in your zone)", required: true)
            .Flag("--csv", "CSV on stdout instead of a table")
            .Help("GET /api/v1/instruments/{id}/shares?month= (managers, admins). Set the shares with 'labsched instrument rules ID --set shares={\"CN\":50,\"*\":50}'."),
        new CommandDef("usage", "a team's ledger of a month: entries, totals per currency, quota use", UsageAsync)
            .Arg("teamId", "the team")
            .Value("--month", "MONTH", "yyyy-MM, or last / this (in your zone)", required: true)
            .Flag("--csv", "the entries as CSV on stdout")
            .Help("GET /api/v1/teams/{id}/usage?month= (members, admins)."),
    ];

    private static async Task<int> QuotaAsync(CliContext c, ParsedCommand command)
    {
        var text = command.Required("--minutes");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            throw new UsageException($"--minutes '{text}' is not a whole number of minutes");
        }

        var (team, instrument) = (command.Positional(0), command.Positional(1));
        var response = await c.Api.PutAsync($"teams/{Query.Segment(team)}/quotas/{Query.Segment(instrument)}", new JsonObject { ["minutesPerMonth"] = minutes });
        return response.IsSuccess ? c.Show(response, _ => c.Out.WriteLine($"{team} may book {minutes} minutes a month on {instrument}.")) : c.Fail(response);
    }

    private static async Task<int> SharesAsync(CliContext c, ParsedCommand command)
    {
        var month = await Report.MonthAsync(c, "--month", command.Required("--month"));
        return await c.ShowListAsync(Query.Path($"instruments/{Query.Segment(command.Positional(0))}/shares", ("month", month)),
            items => Shares.Write(c, items, command.Has("--csv"), $"shares for {month}"), CancellationToken.None);
    }

    private static async Task<int> UsageAsync(CliContext c, ParsedCommand command)
    {
        var month = await Report.MonthAsync(c, "--month", command.Required("--month"));
        var response = await c.Api.GetAsync(Query.Path($"teams/{Query.Segment(command.Positional(0))}/usage", ("month", month)));
        if (!response.IsSuccess)
        {
            return c.Fail(response);
        }

        return c.Show(response, usage =>
        {
            var entries = List(usage, "entries");
            Entries.Write(c, entries, command.Has("--csv"), $"usage in {month}");
            if (command.Has("--csv"))
            {
                return;
            }

            var totals = string.Join(", ", List(usage, "totals").Select(t => $"{JsonText.Field(t, "amount")} {JsonText.Field(t, "currency")}"));
            c.Out.WriteLine($"Totals: {(totals.Length == 0 ? "nothing" : totals)}");
            foreach (var quota in List(usage, "quotas"))
            {
                c.Out.WriteLine($"Quota on {JsonText.Field(quota, "instrumentId")}: {JsonText.Field(quota, "usedMinutes")} of {JsonText.Field(quota, "minutesPerMonth")} minutes used");
            }
        });
    }

    private static List<JsonElement> List(JsonElement value, string name) =>
        JsonText.Member(value, name) is { ValueKind: JsonValueKind.Array } list ? [.. list.EnumerateArray()] : [];
}
