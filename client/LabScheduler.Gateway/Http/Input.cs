using System.Diagnostics.CodeAnalysis;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;
using NodaTime;
using NodaTime.Text;

namespace LabScheduler.Gateway.Http;

/// <summary>
/// Collects validation errors field by field while reading a request, so one answer names
/// every field that is wrong.
/// </summary>
public sealed class Input
{
    private static readonly OffsetDateTimePattern Rfc3339 = OffsetDateTimePattern.ExtendedIso;
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.ExtendedIso;
    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    // Times outside these years are refused as input (they are no booking's, and they overflow date arithmetic).
    private const int MinYear = 1900;
    private const int MaxYear = 2200;

    public Dictionary<string, string[]> Errors { get; } = [];

    public bool IsValid => Errors.Count == 0;

    public void Fail(string field, string message) =>
        Errors[field] = Errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public string Required(string? value, string field, int max = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(field, "is required");
            return "";
        }

        if (value.Length > max)
        {
            Fail(field, $"is longer than {max} characters");
        }

        return value;
    }

    public string? Optional(string? value, string field, int max = 2000)
    {
        if (value is not null && value.Length > max)
        {
            Fail(field, $"is longer than {max} characters");
        }

        return value;
    }

    public string Id(string? value, string field)
    {
        if (!ReferenceIds.IsValid(value))
        {
            Fail(field, "must match ^[a-z0-9][a-z0-9-]{1,63}$");
            return "";
        }

        return value!;
    }

    public string Country(string? value, string field)
    {
        if (!MemberStates.IsKnown(value))
        {
            Fail(field, "must be an ISO 3166-1 alpha-2 country code (e.g. \"CN\")");
            return "";
        }

        return value!;
    }

    /// <summary>An RFC 3339 instant with an offset, or null (and an error) when malformed.</summary>
    public Instant? Instant(string? value, string field, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Fail(field, "is required");
            }

            return null;
        }

        var parsed = Rfc3339.Parse(value);
        if (!parsed.Success || parsed.Value.Year is < MinYear or > MaxYear)
        {
            Fail(field, "must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00+08:00, between 1900 and 2200");
            return null;
        }

        return parsed.Value.ToInstant();
    }

    /// <summary>A local date-time without offset ("2026-12-01T09:00" or with seconds).</summary>
    public LocalDateTime? Local(string? value, string field)
    {
        if (value is null)
        {
            Fail(field, "is required");
            return null;
        }

        var parsed = LocalPattern.Parse(value.Length == 16 ? value + ":00" : value);
        if (!parsed.Success || parsed.Value.Year is < MinYear or > MaxYear)
        {
            Fail(field, "must be a local date-time without offset, e.g. 2026-12-01T09:00:00");
            return null;
        }

        return parsed.Value;
    }

    /// <summary>
    /// The interval a request names either by instants with offsets (start, end) or by local times
    /// read strictly in the lab's zone (localStart, localEnd). Malformed input is recorded here; a
    /// local time in a gap or an overlap comes back as the error (time.nonexistent-local, time.ambiguous-local).
    /// </summary>
    public (Interval? Interval, LabScheduler.Domain.Errors.Error? TimeError) Span(
        string? start, string? end, string? localStart, string? localEnd, DateTimeZone labZone)
    {
        var byInstant = start is not null || end is not null;
        if (byInstant == (localStart is not null || localEnd is not null))
        {
            Fail("start", "give either start and end (with offsets) or localStart and localEnd (lab time)");
            return (null, null);
        }

        Instant? from, to;
        if (byInstant)
        {
            (from, to) = (Instant(start, "start"), Instant(end, "end"));
        }
        else
        {
            var (ls, le) = (Local(localStart, "localStart"), Local(localEnd, "localEnd"));
            if (ls is null || le is null)
            {
                return (null, null);
            }

            var s = LabTime.ResolveStrictly(ls.Value, labZone);
            var e = LabTime.ResolveStrictly(le.Value, labZone);
            if (!s.IsSuccess || !e.IsSuccess)
            {
                return (null, s.Error ?? e.Error);
            }

            (from, to) = (s.Value, e.Value);
        }

        if (from is null || to is null)
        {
            return (null, null);
        }

        if (to <= from)
        {
            Fail("end", "must be after start");
            return (null, null);
        }

        return (new Interval(from.Value, to.Value), null);
    }

    /// <summary>An RFC 3339 instant, or a date (yyyy-MM-dd) meaning its start in <paramref name="zone"/>.</summary>
    public Instant? InstantOrDate(string? value, string field, DateTimeZone zone) =>
        value is { Length: 10 }
            ? Date(value, field) is { } date ? zone.AtStartOfDay(date).ToInstant() : null
            : Instant(value, field);

    public LocalDate? Date(string? value, string field)
    {
        var parsed = value is null ? null : DatePattern.Parse(value);
        if (parsed is not { Success: true } || parsed.Value.Year is < MinYear or > MaxYear)
        {
            Fail(field, "must be a date, e.g. 2026-12-31, between 1900 and 2200");
            return null;
        }

        return parsed.Value;
    }

    /// <summary>A calendar month as yyyy-MM (its first day), or null.</summary>
    public static LocalDate? Month(string? value) =>
        value is not null && LocalDatePattern.CreateWithInvariantCulture("uuuu-MM").Parse(value) is { Success: true } parsed
            && parsed.Value.Year is >= MinYear and <= MaxYear
            ? parsed.Value
            : null;

    /// <summary>"HH:mm" or "24:00" (when allowed); null on error.</summary>
    public (LocalTime Time, bool EndOfDay)? TimeOfDay(string? value, string field, bool allowEndOfDay)
    {
        if (allowEndOfDay && value == "24:00")
        {
            return (LocalTime.Midnight, true);
        }

        var parsed = value is null ? null : LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(value);
        if (parsed is not { Success: true })
        {
            Fail(field, allowEndOfDay ? "must be a time HH:mm (00:00 to 24:00)" : "must be a time HH:mm");
            return null;
        }

        return (parsed.Value, false);
    }

    /// <summary>An IANA zone; an unknown one is reported by the caller as time.unknown-zone.</summary>
    public static bool TryZone(string? id, [NotNullWhen(true)] out DateTimeZone? zone)
    {
        var found = LabTime.FindZone(id);
        zone = found.IsSuccess ? found.Value : null;
        return zone is not null;
    }
}
