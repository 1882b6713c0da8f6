using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Orleans.Storage;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// Grain state as plain JSON without type names: a renamed namespace or a new optional
/// property does not break stored state, and the rows can be read with psql.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    /// <summary>The options used for grain state: camelCase, enums as strings, NodaTime in ISO forms.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) =>
        input.ToMemory().Length == 0
            ? Activator.CreateInstance<T>()
            : JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options) ?? Activator.CreateInstance<T>();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return options;
    }
}
