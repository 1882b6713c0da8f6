using System.Text.Json.Nodes;

namespace LabScheduler.Cli.CommandLine;

/// <summary>The time span of a booking-like request: instants with offsets, or wall-clock times in the lab's zone.</summary>
internal static class SpanOptions
{
    public static CommandDef WithSpan(this CommandDef command) => command
        .Value("--start", "INSTANT", "start, an instant with an offset: 2026-12-01T09:00:00+08:00")
        .Value("--end", "INSTANT", "end, an instant with an offset")
        .Value("--local-start", "LOCAL", "start as wall-clock time in the lab's zone: 2026-12-01T09:00")
        .Value("--local-end", "LOCAL", "end as wall-clock time in the lab's zone");

    /// <summary>Puts <c>start</c>/<c>end</c> or <c>localStart</c>/<c>localEnd</c> into <paramref name="body"/>.</summary>
    public static void WriteSpan(ParsedCommand command, JsonObject body)
    {
        var byInstant = command.Value("--start") is not null || command.Value("--end") is not null;
        var byLocal = command.Value("--local-start") is not null || command.Value("--local-end") is not null;
        if (byInstant == byLocal)
        {
            throw new UsageException("give --start and --end (instants with an offset), or --local-start and --local-end (lab time), not both");
        }

        if (byInstant)
        {
            body["start"] = TimeArgument.Instant("--start", command.Required("--start"));
            body["end"] = TimeArgument.Instant("--end", command.Required("--end"));
        }
        else
        {
            body["localStart"] = TimeArgument.Local("--local-start", command.Required("--local-start"));
            body["localEnd"] = TimeArgument.Local("--local-end", command.Required("--local-end"));
        }
    }

    /// <summary>An Idempotency-Key: the one given, or a new GUID.</summary>
    public static string Key(ParsedCommand command)
    {
        const int MaxKeyLength = 255;
        var key = command.Value("--idempotency-key") ?? Guid.NewGuid().ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            throw new UsageException($"--idempotency-key must be 1 to {MaxKeyLength} printable characters");
        }

        return key;
    }
}
