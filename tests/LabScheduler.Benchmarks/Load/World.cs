using System.Globalization;
using NodaTime;

namespace LabScheduler.Benchmarks.Load;

public sealed record LabSpec(string Id, string MemberState, string TimeZone);

public sealed record InstrumentSpec(string Id, string LabId, string Category, DateTimeZone Zone);

public sealed record ResearcherSpec(string Id, string TeamId, string TimeZone);

/// <summary>
/// The generated world: 20 joint labs in the member states' zones, 50 instruments each in five
/// categories (open Monday to Saturday 07:00-23:00 lab time), 200 teams and 2,000 researchers.
/// Deterministic for a seed, so LabScheduler and the baseline get the same one.
/// </summary>
public sealed class World
{
    public static readonly string[] Categories = ["nmr", "cryo-em", "mass-spec", "clean-room", "xrd"];

    public const int OpenFromHour = 7;
    public const int OpenToHour = 23;

    private static readonly LabSpec[] LabList =
    [
        new("xian", "CN", "Asia/Shanghai"), new("beijing", "CN", "Asia/Shanghai"), new("urumqi", "CN", "Asia/Urumqi"),
        new("novosibirsk", "RU", "Asia/Novosibirsk"), new("moscow", "RU", "Europe/Moscow"), new("kazan", "RU", "Europe/Moscow"),
        new("almaty", "KZ", "Asia/Almaty"), new("astana", "KZ", "Asia/Almaty"), new("bishkek", "KG", "Asia/Bishkek"),
        new("dushanbe", "TJ", "Asia/Dushanbe"), new("tashkent", "UZ", "Asia/Tashkent"), new("samarkand", "UZ", "Asia/Samarkand"),
        new("delhi", "IN", "Asia/Kolkata"), new("bengaluru", "IN", "Asia/Kolkata"), new("islamabad", "PK", "Asia/Karachi"),
        new("lahore", "PK", "Asia/Karachi"), new("tehran", "IR", "Asia/Tehran"), new("isfahan", "IR", "Asia/Tehran"),
        new("minsk", "BY", "Europe/Minsk"), new("kathmandu", "NP", "Asia/Kathmandu"),
    ];

    private World(IReadOnlyList<LabSpec> labs, IReadOnlyList<InstrumentSpec> instruments, IReadOnlyList<string> teams, IReadOnlyList<ResearcherSpec> researchers)
    {
        Labs = labs;
        Instruments = instruments;
        Teams = teams;
        Researchers = researchers;
    }

    public IReadOnlyList<LabSpec> Labs { get; }

    public IReadOnlyList<InstrumentSpec> Instruments { get; }

    public IReadOnlyList<string> Teams { get; }

    public IReadOnlyList<ResearcherSpec> Researchers { get; }

    public static World Generate(int instruments, int teams, int researchers)
    {
        var labs = LabList.Select(l => l with { Id = $"bench-{l.Id}" }).ToArray();
        var instrumentList = Enumerable.Range(0, instruments).Select(i =>
        {
            var lab = labs[i % labs.Length];
            return new InstrumentSpec($"bi-{i:D4}", lab.Id, Categories[(i / labs.Length) % Categories.Length], DateTimeZoneProviders.Tzdb[lab.TimeZone]);
        }).ToArray();
        var teamList = Enumerable.Range(0, teams).Select(t => $"bt-{t:D3}").ToArray();
        var researcherList = Enumerable.Range(0, researchers)
            .Select(r => new ResearcherSpec($"br-{r:D4}", teamList[r % teams], labs[r % labs.Length].TimeZone)).ToArray();
        return new World(labs, instrumentList, teamList, researcherList);
    }

    /// <summary>A random bookable interval on the instrument: Monday to Saturday within opening hours, 30-120 minutes on the 15-minute grid, 2 to 85 days ahead.</summary>
    public static Interval RandomSlot(Random random, InstrumentSpec instrument, Instant now)
    {
        var today = now.InZone(instrument.Zone).Date;
        LocalDate day;
        do
        {
            day = today.PlusDays(random.Next(2, 86));
        }
        while (day.DayOfWeek == IsoDayOfWeek.Sunday);

        var minutes = random.Next(2, 9) * 15;
        var latestStart = ((OpenToHour - OpenFromHour) * 60) - minutes;
        var start = day.At(new LocalTime(OpenFromHour, 0)).PlusMinutes(random.Next(0, (latestStart / 15) + 1) * 15);
        var startInstant = instrument.Zone.AtLeniently(start).ToInstant();
        return new Interval(startInstant, startInstant + Duration.FromMinutes(minutes));
    }

    public static string Rfc3339(Instant instant) => instant.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
