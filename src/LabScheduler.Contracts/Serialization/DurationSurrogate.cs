using NodaTime;

namespace LabScheduler.Contracts.Serialization;

[GenerateSerializer, Immutable, Alias("ls.DurationSurrogate")]
public readonly struct DurationSurrogate
{
    [Id(0)] public long Ticks { get; init; }
}

[RegisterConverter]
public sealed class DurationSurrogateConverter : IConverter<Duration, DurationSurrogate>
{
    public Duration ConvertFromSurrogate(in DurationSurrogate surrogate) => Duration.FromTicks(surrogate.Ticks);

    public DurationSurrogate ConvertToSurrogate(in Duration value) => new() { Ticks = value.BclCompatibleTicks };
}
