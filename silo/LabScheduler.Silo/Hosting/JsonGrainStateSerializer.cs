using System.Text.Json;
using LabScheduler.Persistence.Json;
using Orleans.Storage;

namespace LabScheduler.Silo.Hosting;

/// <summary>
/// Grain state as plain JSON without type names: a renamed namespace or a new optional
/// property does not break stored state, and the rows can be read with psql.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    /// <summary>The options used for grain state: camelCase, enums as strings, NodaTime in ISO forms.</summary>
    public static JsonSerializerOptions Options => StoredJson.Options;

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) =>
        input.ToMemory().Length == 0
            ? Activator.CreateInstance<T>()
            : JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options) ?? Activator.CreateInstance<T>();
}
