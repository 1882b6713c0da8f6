using NodaTime;

namespace LabScheduler.Contracts.Serialization;

// Orleans does not know NodaTime's types; these surrogates carry them between silos and clients.

[GenerateSerializer, Immutable, Alias("ls.InstantSurrogate")]
public readonly struct InstantSurrogate
{
    [Id(0)] public long UnixTicks { get; init; }
}

[RegisterConverter]
public sealed class InstantSurrogateConverter : IConverter<Instant, InstantSurrogate>
{
    public Instant ConvertFromSurrogate(in InstantSurrogate surrogate) => Instant.FromUnixTimeTicks(surrogate.UnixTicks);

    public InstantSurrogate ConvertToSurrogate(in Instant value) => new() { UnixTicks = value.ToUnixTimeTicks() };
}

[GenerateSerializer, Immutable, Alias("ls.IntervalSurrogate")]
public readonly struct IntervalSurrogate
{
    [Id(0)] public long StartUnixTicks { get; init; }

    [Id(1)] public long EndUnixTicks { get; init; }
}

[RegisterConverter]
public sealed class IntervalSurrogateConverter : IConverter<Interval, IntervalSurrogate>
{
    public Interval ConvertFromSurrogate(in IntervalSurrogate surrogate) =>
        new(Instant.FromUnixTimeTicks(surrogate.StartUnixTicks), Instant.FromUnixTimeTicks(surrogate.EndUnixTicks));

    public IntervalSurrogate ConvertToSurrogate(in Interval value) =>
        new() { StartUnixTicks = value.Start.ToUnixTimeTicks(), EndUnixTicks = value.End.ToUnixTimeTicks() };
}

[GenerateSerializer, Immutable, Alias("ls.LocalDateSurrogate")]
public readonly struct LocalDateSurrogate
{
    [Id(0)] public int Year { get; init; }

    [Id(1)] public int Month { get; init; }

    [Id(2)] public int Day { get; init; }
}

[RegisterConverter]
public sealed class LocalDateSurrogateConverter : IConverter<LocalDate, LocalDateSurrogate>
{
    public LocalDate ConvertFromSurrogate(in LocalDateSurrogate surrogate) => new(surrogate.Year, surrogate.Month, surrogate.Day);

    public LocalDateSurrogate ConvertToSurrogate(in LocalDate value) => new() { Year = value.Year, Month = value.Month, Day = value.Day };
}

[GenerateSerializer, Immutable, Alias("ls.LocalTimeSurrogate")]
public readonly struct LocalTimeSurrogate
{
    [Id(0)] public long TickOfDay { get; init; }
}

[RegisterConverter]
public sealed class LocalTimeSurrogateConverter : IConverter<LocalTime, LocalTimeSurrogate>
{
    public LocalTime ConvertFromSurrogate(in LocalTimeSurrogate surrogate) => LocalTime.FromTicksSinceMidnight(surrogate.TickOfDay);

    public LocalTimeSurrogate ConvertToSurrogate(in LocalTime value) => new() { TickOfDay = value.TickOfDay };
}

[GenerateSerializer, Immutable, Alias("ls.LocalDateTimeSurrogate")]
public readonly struct LocalDateTimeSurrogate
{
    [Id(0)] public LocalDate Date { get; init; }

    [Id(1)] public LocalTime Time { get; init; }
}

[RegisterConverter]
public sealed class LocalDateTimeSurrogateConverter : IConverter<LocalDateTime, LocalDateTimeSurrogate>
{
    public LocalDateTime ConvertFromSurrogate(in LocalDateTimeSurrogate surrogate) => surrogate.Date.At(surrogate.Time);

    public LocalDateTimeSurrogate ConvertToSurrogate(in LocalDateTime value) => new() { Date = value.Date, Time = value.TimeOfDay };
}
