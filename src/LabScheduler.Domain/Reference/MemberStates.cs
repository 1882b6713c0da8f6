namespace LabScheduler.Domain.Reference;

/// <summary>How a country stands to the SCO.</summary>
public enum MemberStateKind
{
    Member,
    Observer,
    Partner,
    Other,
}

/// <summary>A country as the scheduler knows it.</summary>
public sealed record MemberState(string Code, string Name, MemberStateKind Kind);

/// <summary>
/// Countries: every ISO 3166-1 alpha-2 code is accepted (teams from outside the SCO
/// collaborate too); the SCO's members, observers and dialogue partners are named.
/// </summary>
public static class MemberStates
{
    private static readonly MemberState[] Sco =
    [
        new("CN", "China", MemberStateKind.Member),
        new("RU", "Russia", MemberStateKind.Member),
        new("KZ", "Kazakhstan", MemberStateKind.Member),
        new("KG", "Kyrgyzstan", MemberStateKind.Member),
        new("TJ", "Tajikistan", MemberStateKind.Member),
        new("UZ", "Uzbekistan", MemberStateKind.Member),
        new("IN", "India", MemberStateKind.Member),
        new("PK", "Pakistan", MemberStateKind.Member),
        new("IR", "Iran", MemberStateKind.Member),
        new("BY", "Belarus", MemberStateKind.Member),
        new("AF", "Afghanistan", MemberStateKind.Observer),
        new("MN", "Mongolia", MemberStateKind.Observer),
        new("AZ", "Azerbaijan", MemberStateKind.Partner),
        new("AM", "Armenia", MemberStateKind.Partner),
        new("KH", "Cambodia", MemberStateKind.Partner),
        new("NP", "Nepal", MemberStateKind.Partner),
        new("TR", "Türkiye", MemberStateKind.Partner),
        new("LK", "Sri Lanka", MemberStateKind.Partner),
        new("EG", "Egypt", MemberStateKind.Partner),
        new("QA", "Qatar", MemberStateKind.Partner),
        new("SA", "Saudi Arabia", MemberStateKind.Partner),
        new("AE", "United Arab Emirates", MemberStateKind.Partner),
        new("KW", "Kuwait", MemberStateKind.Partner),
        new("MV", "Maldives", MemberStateKind.Partner),
        new("MM", "Myanmar", MemberStateKind.Partner),
        new("BH", "Bahrain", MemberStateKind.Partner),
    ];

    // ISO 3166-1 alpha-2, officially assigned codes.
    private const string IsoAlpha2 =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
        "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    private static readonly HashSet<string> Codes = [.. IsoAlpha2.Split(' ')];

    /// <summary>The SCO's members, observers and dialogue partners.</summary>
    public static IReadOnlyList<MemberState> ScoStates => Sco;

    /// <summary>Whether a code is an assigned ISO 3166-1 alpha-2 code (upper case).</summary>
    public static bool IsKnown(string? code) => code is { Length: 2 } && Codes.Contains(code);

    /// <summary>The kind of a known code; <see cref="MemberStateKind.Other"/> outside the SCO.</summary>
    public static MemberStateKind KindOf(string code) =>
        Sco.FirstOrDefault(s => s.Code == code)?.Kind ?? MemberStateKind.Other;
}
