using LabScheduler.Domain.Errors;
using NodaTime;
using NodaTime.TimeZones;

namespace LabScheduler.Domain.Time;

/// <summary>
/// Time zones and the resolution of local times. Zones come from the IANA database bundled
/// with NodaTime, never from the host, so every machine answers alike.
/// </summary>
public static class LabTime
{
    /// <summary>The IANA time-zone database shipped with the application.</summary>
    public static IDateTimeZoneProvider Zones => DateTimeZoneProviders.Tzdb;

    /// <summary>The version of the bundled IANA database, for logs and diagnostics.</summary>
    public static string ZoneDatabaseVersion => Zones.VersionId;

    /// <summary>
    /// For local times typed by people: a time in a spring-forward gap or a fall-back
    /// overlap is refused rather than guessed (time.nonexistent-local, time.ambiguous-local).
    /// </summary>
    public static Result<Instant> ResolveStrictly(LocalDateTime local, DateTimeZone zone)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count switch
        {
            1 => mapping.Single().ToInstant(),
            0 => Result<Instant>.Fail(
                ErrorCodes.NonexistentLocal,
                $"{local:uuuu-MM-dd'T'HH:mm:ss} does not exist in {zone.Id} (the clocks skip it); send an instant with an offset."),
            _ => Result<Instant>.Fail(
                ErrorCodes.AmbiguousLocal,
                $"{local:uuuu-MM-dd'T'HH:mm:ss} happens twice in {zone.Id} ({mapping.First().Offset} and {mapping.Last().Offset}); send an instant with an offset."),
        };
    }

    /// <summary>
    /// For generated local times (recurrences): a time in a gap moves forward by the gap's
    /// length, an ambiguous time takes its earlier occurrence (NodaTime's lenient resolver).
    /// </summary>
    public static ZoneLocalMappingResolver RecurrenceResolver { get; } = Resolvers.LenientResolver;

    /// <summary>
    /// For the start of an opening period: a gap moves to the first instant after it, an
    /// overlap takes the earlier occurrence, so the period covers every instant it names.
    /// </summary>
    public static ZoneLocalMappingResolver OpeningStartResolver { get; } =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>
    /// For the end of an opening period: a gap moves to the first instant after it, an
    /// overlap takes the later occurrence (a lab open until 01:30 stays open through both).
    /// </summary>
    public static ZoneLocalMappingResolver OpeningEndResolver { get; } =
        Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>Finds a zone by IANA id, or time.unknown-zone.</summary>
    public static Result<DateTimeZone> FindZone(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && Zones.GetZoneOrNull(id) is { } zone)
        {
            return zone;
        }

        return Result<DateTimeZone>.Fail(ErrorCodes.UnknownZone, $"'{id}' is not a time zone of the IANA database {ZoneDatabaseVersion}.");
    }
}
