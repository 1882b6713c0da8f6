using System.Globalization;

using LabScheduler.Domain.Recurrence;
using NodaTime;
using Xunit.Abstractions;

namespace LabScheduler.Domain.Tests.Recurrence;

/// <summary>
/// The expander against an independent RFC 5545 implementation (Ical.Net) on generated rules and
/// starts: the same occurrence dates for every rule, and, in zones with DST changes and odd
/// offsets, the same instants (a start in a gap moves forward by the gap's length, one in an overlap
/// takes the earlier instant: RFC 5545 3.3.5). Seeded and reproducible: a failure names its seed.
/// </summary>
public sealed class RecurrenceOracleTests(ITestOutputHelper output)
{
    private const int Cases = 1200;

    private const int Horizon = 19;

    private static readonly string[] ZoneIds =
    [
        "Europe/Berlin", "Africa/Cairo", "Asia/Tehran", "Asia/Kathmandu", "Asia/Kolkata", "America/Sao_Paulo",
        "Asia/Almaty", "America/Havana", "Australia/Lord_Howe", "Asia/Shanghai",
    ];

    private static readonly string[] DayCodes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    [Fact]
    public void Expander_OnGeneratedRules_AgreesWithIcalNet()
    {
        var seed = Environment.GetEnvironmentVariable("LABSCHED_RRULE_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        var compared = 0;
        var instantsCompared = 0;
        var failures = new List<string>();
        for (var n = 0; n < Cases * 3 && compared < Cases; n++)
        {
            var zone = DateTimeZoneProviders.Tzdb[ZoneIds[random.Next(ZoneIds.Length)]];
            var (ruleText, icalRule) = RandomRule(random);

            // Start on an occurrence the rule itself produces (RFC 5545 leaves an unsynchronised DTSTART undefined).
            var seedStart = new LocalDate(2018, 1, 1).PlusDays(random.Next(0, 12 * 365)).At(new LocalTime(random.Next(0, 24), random.Next(0, 4) * 15));
            var synced = IcalLocal(seedStart, $"{icalRule};UNTIL={seedStart.Date.PlusYears(Horizon).ToString("uuuuMMdd", CultureInfo.InvariantCulture)}T235959").Skip(1).FirstOrDefault();
            if (synced == default)
            {
                continue;
            }

            var withEnd = WithEnd(random, synced, ruleText, icalRule);
            var parsed = RecurrenceRule.Parse(withEnd.Ours);
            Assert.True(parsed.IsSuccess, $"seed {seed}: {withEnd.Ours}: {parsed.Error?.Detail}");
            // Our expander searches 20 years at most (a rule that rarely matches must still end): compare within that.
            var horizon = synced.Date.PlusYears(Horizon);
            var expected = IcalLocal(synced, withEnd.Ical).Take(RecurrenceRule.MaxOccurrences).Select(l => l.Date).TakeWhile(d => d <= horizon).ToList();
            var actual = parsed.Value.Dates(synced.Date, d => zone.AtLeniently(d.At(synced.TimeOfDay)).ToInstant()).TakeWhile(d => d <= horizon).ToList();
            compared++;
            if (!expected.SequenceEqual(actual))
            {
                failures.Add($"{withEnd.Ours} from {synced:uuuu-MM-dd'T'HH:mm}: Ical.Net {Show(expected)}, ours {Show(actual)}");
                continue;
            }

            if (withEnd.Ours.Contains("COUNT", StringComparison.Ordinal))
            {
                var first = zone.AtLeniently(synced).ToInstant();
                var ours = SeriesExpansion.Expand(new Interval(first, first + Duration.FromMinutes(30)), parsed.Value, zone)
                    .Select(i => i.Start).ToList();
                var theirs = IcalZoned(synced, zone, withEnd.Ical).Take(ours.Count).ToList();
                instantsCompared++;
                if (!theirs.SequenceEqual(ours))
                {
                    var at = theirs.Zip(ours).First(p => p.First != p.Second);
                    failures.Add($"{zone.Id} {withEnd.Ours} from {synced:uuuu-MM-dd'T'HH:mm}: first difference Ical.Net {at.First} ours {at.Second}");
                }
            }
        }

        output.WriteLine($"seed {seed}: {compared} rules compared by date, {instantsCompared} by instant in their zone");
        Assert.True(compared >= 1000, $"seed {seed}: only {compared} rules could be compared");
        Assert.True(failures.Count == 0, $"seed {seed} (rerun with LABSCHED_RRULE_SEED={seed}): {failures.Count} disagreement(s):\n{string.Join("\n", failures.Take(10))}");
    }

    private static string Show(List<LocalDate> dates) => $"{dates.Count} dates [{string.Join(",", dates.Take(6).Select(d => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)))}...]";

    // A rule without its end: the same text for both implementations.
    private static (string Ours, string Ical) RandomRule(Random random)
    {
        var parts = new List<string>();
        var frequency = random.Next(3) switch { 0 => "DAILY", 1 => "WEEKLY", _ => "MONTHLY" };
        parts.Add($"FREQ={frequency}");
        if (random.Next(2) == 0)
        {
            parts.Add($"INTERVAL={random.Next(1, 5)}");
        }

        switch (frequency)
        {
            case "DAILY":
                if (random.Next(3) == 0)
                {
                    parts.Add($"BYDAY={string.Join(",", Pick(random, DayCodes, random.Next(1, 4)))}");
                }

                if (random.Next(4) == 0)
                {
                    parts.Add($"BYMONTHDAY={string.Join(",", Pick(random, MonthDays(), random.Next(1, 4)))}");
                }

                break;
            case "WEEKLY":
                if (random.Next(4) != 0)
                {
                    parts.Add($"BYDAY={string.Join(",", Pick(random, DayCodes, random.Next(1, 4)))}");
                }

                if (random.Next(2) == 0)
                {
                    parts.Add($"WKST={DayCodes[random.Next(7)]}");
                }

                break;
            default:
                var byDay = random.Next(3) != 0;
                var byMonthDay = random.Next(2) == 0;
                if (byDay)
                {
                    var ordinals = random.Next(2) == 0;
                    parts.Add($"BYDAY={string.Join(",", Pick(random, DayCodes, random.Next(1, 3)).Select(d => ordinals ? $"{OrdinalOf(random)}{d}" : d))}");
                }

                if (byMonthDay || !byDay && random.Next(2) == 0)
                {
                    parts.Add($"BYMONTHDAY={string.Join(",", Pick(random, MonthDays(), random.Next(1, 5)))}");
                }

                break;
        }

        var text = string.Join(";", parts);
        return (text, text);
    }

    private static (string Ours, string Ical) WithEnd(Random random, LocalDateTime start, string ours, string ical)
    {
        if (random.Next(2) == 0)
        {
            var count = random.Next(1, 40);
            return ($"{ours};COUNT={count}", $"{ical};COUNT={count}");
        }

        // Our UNTIL date is the last local date a start may fall on; Ical.Net's floating UNTIL is the last moment.
        var until = start.Date.PlusDays(random.Next(0, 3 * 365));
        var date = until.ToString("uuuuMMdd", CultureInfo.InvariantCulture);
        return ($"{ours};UNTIL={date}", $"{ical};UNTIL={date}T235959");
    }

    private static string OrdinalOf(Random random) => random.Next(4) switch { 0 => "-1", 1 => "-2", 2 => random.Next(1, 5).ToString(CultureInfo.InvariantCulture), _ => "" };

    private static string[] MonthDays() => [.. Enumerable.Range(1, 31).Select(d => d.ToString(CultureInfo.InvariantCulture)).Concat(["-1", "-2", "-3", "-7", "-31"])];

    private static IEnumerable<T> Pick<T>(Random random, T[] from, int count) => from.OrderBy(_ => random.Next()).Take(count).Distinct();

    private static IEnumerable<LocalDateTime> IcalLocal(LocalDateTime start, string rule)
    {
        var calendar = Ical.Net.Calendar.Load($"""
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//labsched//oracle//EN
            BEGIN:VEVENT
            UID:oracle
            DTSTART:{start.ToString("uuuuMMdd'T'HHmmss", CultureInfo.InvariantCulture)}
            DURATION:PT30M
            RRULE:{rule}
            END:VEVENT
            END:VCALENDAR
            """)!;
        return calendar.Events[0]!.GetOccurrences().Select(o => LocalDateTime.FromDateTime(o.Period!.StartTime.Value));
    }

    private static IEnumerable<Instant> IcalZoned(LocalDateTime start, DateTimeZone zone, string rule)
    {
        var calendar = Ical.Net.Calendar.Load($"""
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//labsched//oracle//EN
            BEGIN:VEVENT
            UID:oracle
            DTSTART;TZID={zone.Id}:{start.ToString("uuuuMMdd'T'HHmmss", CultureInfo.InvariantCulture)}
            DURATION:PT30M
            RRULE:{rule}
            END:VEVENT
            END:VCALENDAR
            """)!;
        return calendar.Events[0]!.GetOccurrences().Select(o => Instant.FromDateTimeUtc(DateTime.SpecifyKind(o.Period!.StartTime.AsUtc, DateTimeKind.Utc)));
    }
}
