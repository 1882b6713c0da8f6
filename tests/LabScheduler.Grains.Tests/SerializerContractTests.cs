using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LabScheduler.Contracts.Bookings;
using LabScheduler.Grains.Users;
using LabScheduler.Persistence.Json;
using LabScheduler.Testing;
using Orleans;
using Orleans.Runtime;

namespace LabScheduler.Grains.Tests;

/// <summary>
/// What old and new silos and gateways must agree on during a rolling upgrade, compared with the committed
/// snapshot <c>serializer-contract.txt</c> (one line per entry, <c>KEY = VALUE</c>):
/// <list type="bullet">
/// <item><c>type ALIAS</c>: every [GenerateSerializer] type of LabScheduler.Contracts, by its [Alias] (the name
/// on the wire; the CLR name may change only while the alias stays), with its serialized base type.</item>
/// <item><c>field ALIAS #N</c>: each [Id(N)] member's name and type. Orleans matches fields by id: an id must
/// never be renumbered, change type (but for numeric widening, int to long, float to double) or be reused.</item>
/// <item><c>enum TYPE N</c>: each value of an enum those types (or grain state) carry, and its name. Orleans
/// sends the number, the stored JSON the (camelCase) name: neither may change.</item>
/// <item><c>method INTERFACE.NAME(PARAMETERS)</c>: each grain interface method and its return type. A method
/// a version has must be in the next with the same signature (Orleans' backward compatibility of grain
/// interfaces); new methods may be added.</item>
/// <item><c>state NAME TYPE.jsonName</c>: each property of the grain state (stored as JSON,
/// JsonGrainStateSerializer) and of what it holds, with its type.</item>
/// </list>
/// A removed entry stays in the file as <c>retired KEY = VALUE</c>, so that its id is never used again.
/// </summary>
public sealed class SerializerContractTests
{
    private static readonly string SnapshotPath = Path.Combine(Repository.Root, "tests", "LabScheduler.Grains.Tests", "serializer-contract.txt");

    private const string Rules = "Orleans matches serialized fields by [Id], types by [Alias] and grain calls by interface method signature; "
        + "an old and a new silo side by side (a rolling upgrade) must read each other's messages and the stored grain state. "
        + "Do not renumber, retype or reuse an [Id], rename an [Alias], change an enum value, or change or remove a grain method or a state property "
        + "in the release that stops using it: add a new member with a new id instead. "
        + "A deliberate removal (once no silo of a version that uses it runs) is recorded by prefixing its line with 'retired ' in "
        + "tests/LabScheduler.Grains.Tests/serializer-contract.txt; never edit or delete a line otherwise.";

    [Fact]
    public void ExistingSerializerContract_IsUnchanged_NoIdRemovedRenumberedOrRetyped_NoRetiredIdReused()
    {
        var current = Current();
        var (snapshot, retired) = Snapshot();
        var problems = new List<string>();
        foreach (var (key, value) in snapshot)
        {
            if (!current.TryGetValue(key, out var now))
            {
                var moved = current.Where(c => c.Value == value && SameOwner(c.Key, key)).Select(c => c.Key).FirstOrDefault();
                problems.Add(moved is null ? $"removed: {key} = {value}" : $"renumbered: {key} = {value} is now {moved}");
            }
            else if (now != value && !Widened(value, now))
            {
                problems.Add($"changed: {key} = {value} is now {now}");
            }
        }

        foreach (var (key, value) in retired)
        {
            if (current.TryGetValue(key, out var now))
            {
                problems.Add($"reused: {key} was retired ({value}) and is used again ({now})");
            }
        }

        Assert.True(problems.Count == 0, $"The serializer contract changed incompatibly:\n  {string.Join("\n  ", problems)}\n{Rules}");
    }

    /// <summary>Also writes the whole current contract to TestResults/serializer-contract.current.txt, to compare or to start a new snapshot from.</summary>
    [Fact]
    public void SerializerContractSnapshot_ListsEveryCurrentEntry()
    {
        var current = Current();
        var written = Path.Combine(Repository.Root, "TestResults", "serializer-contract.current.txt");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(written)!);
        File.WriteAllLines(written, [Header, .. current.Select(c => $"{c.Key} = {c.Value}")]);
        var (snapshot, retired) = Snapshot();
        var added = current.Where(c => !snapshot.ContainsKey(c.Key) && !retired.ContainsKey(c.Key)).Select(c => $"{c.Key} = {c.Value}").ToList();
        Assert.True(added.Count == 0,
            "New serializer-contract entries (compatible additions) are not in tests/LabScheduler.Grains.Tests/serializer-contract.txt yet. "
            + "Append these lines at its end, changing no other line:\n" + string.Join("\n", added));
    }

    [Fact]
    public void Snapshot_CoversTheContractsTheUpgradeDependsOn()
    {
        // The reflection below finds what matters; a guard that found nothing would pass whatever changed.
        var current = Current();
        Assert.Contains("field ls.Booking #0", current.Keys);
        Assert.Contains(current.Keys, k => k.StartsWith("method LabScheduler.Contracts.Instruments.IInstrumentGrain.BookAsync(", StringComparison.Ordinal));
        Assert.Contains(current.Keys, k => k.StartsWith("state user LabScheduler.Grains.Users.UserState.profile", StringComparison.Ordinal));
        Assert.Contains(current.Keys, k => k.StartsWith("enum LabScheduler.Domain.Bookings.BookingStatus ", StringComparison.Ordinal));
        Assert.True(current.Count > 200, $"only {current.Count} entries found");
    }

    private const string Header = "# The serializer contract between versions (SerializerContractTests): append new lines, prefix a removed one with 'retired ', never edit or delete one.";

    /// <summary>Two keys of one type (or one interface, one state type), for telling a renumbering from a removal.</summary>
    private static bool SameOwner(string a, string b) => Owner(a) == Owner(b);

    private static string Owner(string key) => key.StartsWith("field ", StringComparison.Ordinal) ? key[..key.LastIndexOf(" #", StringComparison.Ordinal)] : key;

    private static readonly string[][] Widenings = [["sbyte", "short", "int", "long"], ["byte", "ushort", "uint", "ulong"], ["float", "double"]];

    /// <summary>A field whose type became a wider number of the same kind (Orleans reads the old encoding).</summary>
    private static bool Widened(string before, string now)
    {
        var (nameBefore, typeBefore) = Split(before);
        var (nameNow, typeNow) = Split(now);
        return nameBefore == nameNow && Widenings.Any(w => Array.IndexOf(w, typeBefore) >= 0 && Array.IndexOf(w, typeNow) > Array.IndexOf(w, typeBefore));

        static (string Name, string Type) Split(string value) => value.IndexOf(": ", StringComparison.Ordinal) is >= 0 and var i ? (value[..i], value[(i + 2)..]) : (value, "");
    }

    private static (Dictionary<string, string> Live, Dictionary<string, string> Retired) Snapshot()
    {
        Assert.True(File.Exists(SnapshotPath), $"{SnapshotPath} is missing (./test.sh --filter SerializerContract writes the current contract to TestResults/serializer-contract.current.txt)");
        var live = new Dictionary<string, string>(StringComparer.Ordinal);
        var retired = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(SnapshotPath).Where(l => l.Length > 0 && l[0] != '#'))
        {
            var isRetired = line.StartsWith("retired ", StringComparison.Ordinal);
            var entry = isRetired ? line["retired ".Length..] : line;
            var split = entry.IndexOf(" = ", StringComparison.Ordinal);
            Assert.True(split > 0, $"not KEY = VALUE: {line}");
            (isRetired ? retired : live)[entry[..split]] = entry[(split + 3)..];
        }

        return (live, retired);
    }

    /// <summary>The contract as the code has it now, sorted by key.</summary>
    private static SortedDictionary<string, string> Current()
    {
        var entries = new SortedDictionary<string, string>(NumbersInOrder);
        var contracts = typeof(Booking).Assembly;
        var enums = new SortedSet<Type>(Comparer<Type>.Create((a, b) => string.CompareOrdinal(a.FullName, b.FullName)));

        foreach (var type in contracts.GetTypes().Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>() is not null))
        {
            if (type.IsEnum)
            {
                enums.Add(type);
                continue;
            }

            var key = Key(type);
            var serializedBase = type.BaseType is { } b && b.GetCustomAttribute<GenerateSerializerAttribute>() is not null ? Key(b) : "-";
            entries[$"type {key}"] = $"{Name(type)} : {serializedBase}";
            foreach (var member in type.GetMembers(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (member.GetCustomAttribute<IdAttribute>() is not { } id || member is not (PropertyInfo or FieldInfo))
                {
                    continue;
                }

                var memberType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
                CollectEnums(memberType, enums);
                entries[$"field {key} #{id.Id}"] = $"{member.Name}: {Name(memberType)}";
            }
        }

        foreach (var grain in contracts.GetTypes().Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t)))
        {
            foreach (var method in grain.GetMethods())
            {
                var parameters = string.Join(", ", method.GetParameters().Select(p => Name(p.ParameterType)));
                entries[$"method {Key(grain)}.{method.Name}({parameters})"] = Name(method.ReturnType);
                foreach (var parameter in method.GetParameters())
                {
                    CollectEnums(parameter.ParameterType, enums);
                }

                CollectEnums(method.ReturnType, enums);
            }
        }

        // Grain state: what the [PersistentState] constructor parameters of the grains hold, as the JSON the silo stores.
        var json = new JsonSerializerOptions(StoredJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        foreach (var grainClass in typeof(UserGrain).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract))
        {
            foreach (var parameter in grainClass.GetConstructors().SelectMany(c => c.GetParameters()))
            {
                if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } state && parameter.ParameterType.IsGenericType)
                {
                    StateEntries(state.StateName, parameter.ParameterType.GetGenericArguments()[0], json, entries, enums, []);
                }
            }
        }

        foreach (var type in enums)
        {
            var namingPolicy = JsonNamingPolicy.CamelCase;
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var value = Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture);
                entries[$"enum {type.FullName} {value}"] = $"{field.Name} (stored as \"{namingPolicy.ConvertName(field.Name)}\")";
            }
        }

        return entries;
    }

    /// <summary>Keys in order with their numbers compared as numbers (#2 before #10).</summary>
    private static readonly Comparer<string> NumbersInOrder = Comparer<string>.Create((a, b) =>
    {
        var byNumber = string.CompareOrdinal(Padded(a), Padded(b));
        return byNumber != 0 ? byNumber : string.CompareOrdinal(a, b);

        static string Padded(string key) => System.Text.RegularExpressions.Regex.Replace(key, "[0-9]+", m => m.Value.PadLeft(12, '0'));
    });

    private static void StateEntries(string stateName, Type type, JsonSerializerOptions json, SortedDictionary<string, string> entries, SortedSet<Type> enums, HashSet<Type> seen)
    {
        if (!Ours(type) || type.IsEnum || !seen.Add(type))
        {
            return;
        }

        foreach (var property in json.GetTypeInfo(type).Properties)
        {
            entries[$"state {stateName} {type.FullName}.{property.Name}"] = Name(property.PropertyType);
            CollectEnums(property.PropertyType, enums);
            foreach (var inner in Components(property.PropertyType))
            {
                StateEntries(stateName, inner, json, entries, enums, seen);
            }
        }
    }

    private static void CollectEnums(Type type, SortedSet<Type> enums)
    {
        foreach (var component in Components(type).Where(t => t.IsEnum && Ours(t)))
        {
            enums.Add(component);
        }
    }

    /// <summary>The type and every type it is built of (generic arguments, array elements, nullable's underlying type).</summary>
    private static IEnumerable<Type> Components(Type type)
    {
        yield return type;
        var parts = type.IsArray ? [type.GetElementType()!] : type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes;
        foreach (var component in parts.SelectMany(Components))
        {
            yield return component;
        }
    }

    private static bool Ours(Type type) => type.Namespace?.StartsWith("LabScheduler.", StringComparison.Ordinal) == true;

    /// <summary>A type as the wire knows it: its [Alias] where it has one, else its full name.</summary>
    private static string Key(Type type) => type.GetCustomAttribute<AliasAttribute>()?.Alias ?? Name(type);

    private static string Name(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        var keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool", TypeCode.Byte => "byte", TypeCode.SByte => "sbyte", TypeCode.Int16 => "short", TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int", TypeCode.UInt32 => "uint", TypeCode.Int64 => "long", TypeCode.UInt64 => "ulong", TypeCode.Single => "float",
            TypeCode.Double => "double", TypeCode.Decimal => "decimal", TypeCode.String => "string", TypeCode.Char => "char",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }

        var name = type.IsGenericType ? (type.GetGenericTypeDefinition().FullName ?? type.Name) : (type.FullName ?? type.Name);
        name = name.Replace('+', '.');
        if (type.IsGenericType)
        {
            var builder = new StringBuilder(name[..name.IndexOf('`', StringComparison.Ordinal)]);
            builder.Append('<').AppendJoin(", ", type.GetGenericArguments().Select(Name)).Append('>');
            return builder.ToString();
        }

        return name;
    }
}
