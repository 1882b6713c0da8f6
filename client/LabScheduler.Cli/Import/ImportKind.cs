using LabScheduler.Cli.Http;

namespace LabScheduler.Cli.Import;

/// <summary>What <c>import --kind</c> can create, the CSV columns of each, and where each row is POSTed.</summary>
internal sealed record ImportKind(string Name, IReadOnlyList<ImportColumn> Columns)
{
    public const string LabIdColumn = "labId";
    public const string MembersColumn = "members";

    public static readonly ImportKind Users = new("users",
    [
        ImportColumn.Field("id"), ImportColumn.Field("displayName"), ImportColumn.Field("email"), ImportColumn.Field("timeZone"),
        ImportColumn.Field("memberState"), ImportColumn.Field("roles", ColumnType.List),
    ]);

    public static readonly ImportKind Labs = new("labs",
    [
        ImportColumn.Field("id"), ImportColumn.Field("name"), ImportColumn.Field("hostInstitution"), ImportColumn.Field("memberState"),
        ImportColumn.Field("timeZone"), ImportColumn.Field("partnerStates", ColumnType.List),
    ]);

    public static readonly ImportKind Teams = new("teams",
    [
        ImportColumn.Field("id"), ImportColumn.Field("name"), ImportColumn.Field("institution"), ImportColumn.Field("memberState"),
        new(MembersColumn, ColumnType.List, null),
    ]);

    public static readonly ImportKind Instruments = new("instruments",
    [
        new(LabIdColumn, ColumnType.Text, null), ImportColumn.Field("id"), ImportColumn.Field("name"), ImportColumn.Field("category"),
        ImportColumn.Field("currency"),
        new("rateInternal", ColumnType.Decimal, "rates.internal"),
        new("ratePartner", ColumnType.Decimal, "rates.partner"),
        new("rateExternal", ColumnType.Decimal, "rates.external"),
        Rule("slotMinutes", ColumnType.Integer), Rule("minMinutes", ColumnType.Integer), Rule("maxMinutes", ColumnType.Integer),
        Rule("bufferMinutes", ColumnType.Integer), Rule("leadMinutes", ColumnType.Integer), Rule("horizonDays", ColumnType.Integer),
        Rule("requiresApproval", ColumnType.Boolean), Rule("requiresAuthorization", ColumnType.Boolean), Rule("capacity", ColumnType.Integer),
        Rule("noShowMinutes", ColumnType.Integer), Rule("waitlistAutoBook", ColumnType.Boolean), Rule("offerMinutes", ColumnType.Integer),
        Rule("chargeActual", ColumnType.Boolean), Rule("chargeNoShow", ColumnType.Boolean), Rule("minimumChargeMinutes", ColumnType.Integer),
    ]);

    /// <summary>A column <c>rules.NAME</c> sets any rule by name, including ones newer than this list.</summary>
    public const string RulePrefix = "rules.";

    public static IReadOnlyList<ImportKind> All { get; } = [Users, Labs, Teams, Instruments];

    public static ImportKind? Find(string name) => All.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Instruments are created inside their lab, named by the row's <c>labId</c>.</summary>
    public bool NeedsLab => this == Instruments;

    /// <summary>Teams get their members by PUT after the team exists.</summary>
    public bool HasMembers => this == Teams;

    public string PathFor(string? labId) => NeedsLab ? $"labs/{Query.Segment(labId ?? "")}/instruments" : Name;

    /// <summary>The column named <paramref name="header"/>, or null when this kind does not use it.</summary>
    public ImportColumn? Column(string header)
    {
        var known = Columns.FirstOrDefault(c => c.Name.Equals(header, StringComparison.OrdinalIgnoreCase));
        if (known is not null || !NeedsLab || !header.StartsWith(RulePrefix, StringComparison.Ordinal) || header.Length == RulePrefix.Length)
        {
            return known;
        }

        var name = header[RulePrefix.Length..];
        return Columns.FirstOrDefault(c => c.Target == header) ?? new ImportColumn(name, ColumnType.Auto, header);
    }

    private static ImportColumn Rule(string name, ColumnType type) => new(name, type, RulePrefix + name);
}
