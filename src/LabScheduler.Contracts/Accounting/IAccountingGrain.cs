using LabScheduler.Contracts.Common;
using NodaTime;

namespace LabScheduler.Contracts.Accounting;

/// <summary>Usage and accounting reads over the ledger and bookings tables. Stateless.</summary>
public interface IAccountingGrain : IGrainWithIntegerKey
{
    /// <summary>A team's usage of a month (team members, admin): ledger entries, totals per currency, quotas used.</summary>
    Task<CommandResult<TeamUsage>> TeamUsageAsync(Actor actor, string teamId, LocalDate month);

    /// <summary>
    /// Utilization from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), dates read in
    /// each lab's zone, grouped by instrument, lab, memberState or team: admins see all labs, managers their own.
    /// </summary>
    Task<CommandResult<IReadOnlyList<UtilizationItem>>> UtilizationAsync(Actor actor, LocalDate from, LocalDate to, string groupBy, string? labId);

    /// <summary>A month's statements per team or per institution, totals per currency (admins all labs, managers their own).</summary>
    Task<CommandResult<IReadOnlyList<StatementLine>>> StatementsAsync(Actor actor, LocalDate month, string by);

    /// <summary>The statement of a month as frozen by the month-end run, per team (admins).</summary>
    Task<CommandResult<IReadOnlyList<StatementLine>>> FrozenStatementsAsync(Actor actor, LocalDate month);

    /// <summary>Who used whose instruments in a month: team country, lab country, currency, amount (admins all labs, managers their own).</summary>
    Task<CommandResult<IReadOnlyList<SettlementItem>>> SettlementAsync(Actor actor, LocalDate month);

    /// <summary>
    /// Corrects a ledger entry (admin, or a manager of its lab): a reversal of it and a new entry for
    /// <paramref name="chargedMinutes"/> at the same rate. The month's statement shows both.
    /// </summary>
    Task<CommandResult<UsageEntry>> CorrectAsync(Actor actor, Guid entryId, int chargedMinutes);

    /// <summary>The audit log, filtered, by sequence (admins only).</summary>
    Task<CommandResult<IReadOnlyList<AuditItem>>> AuditAsync(Actor actor, AuditQuery query);

    /// <summary>Booked minutes by hour of week in each lab's local time, rows Monday to Sunday, columns 00-23 (admins; managers for their labs).</summary>
    Task<CommandResult<long[][]>> HeatMapAsync(Actor actor, LocalDate from, LocalDate to, string? labId);
}

[GenerateSerializer, Immutable, Alias("ls.AuditQuery")]
public sealed record AuditQuery
{
    [Id(0)] public string? Entity { get; init; }

    [Id(1)] public string? EntityId { get; init; }

    [Id(2)] public Instant? From { get; init; }

    [Id(3)] public Instant? To { get; init; }

    [Id(4)] public long? AfterSeq { get; init; }

    [Id(5)] public int Limit { get; init; } = 100;
}

[GenerateSerializer, Immutable, Alias("ls.AuditItem")]
public sealed record AuditItem(
    [property: Id(0)] long Seq,
    [property: Id(1)] Instant At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Entity,
    [property: Id(4)] string EntityId,
    [property: Id(5)] string Action,
    [property: Id(6)] string DetailsJson);

[GenerateSerializer, Immutable, Alias("ls.StatementLine")]
public sealed record StatementLine(
    [property: Id(0)] string Key,
    [property: Id(1)] string Currency,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] long Minutes,
    [property: Id(4)] int Entries,
    [property: Id(5)] decimal Adjustments = 0);

[GenerateSerializer, Immutable, Alias("ls.SettlementItem")]
public sealed record SettlementItem(
    [property: Id(0)] string TeamState,
    [property: Id(1)] string LabState,
    [property: Id(2)] string Currency,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] long Minutes);

[GenerateSerializer, Immutable, Alias("ls.UtilizationItem")]
public sealed record UtilizationItem(
    [property: Id(0)] string Key,
    [property: Id(1)] long OpenMinutes,
    [property: Id(2)] long BookedMinutes,
    [property: Id(3)] long UsedMinutes,
    [property: Id(4)] double Utilization,
    [property: Id(5)] int NoShows,
    [property: Id(6)] int Cancellations)
{
    /// <summary>Bookings that started in the window, in any status (the base of the rates).</summary>
    [Id(7)] public int Bookings { get; init; }

    public double NoShowRate => Bookings == 0 ? 0 : Math.Round((double)NoShows / Bookings, 4);

    public double CancellationRate => Bookings == 0 ? 0 : Math.Round((double)Cancellations / Bookings, 4);
}

[GenerateSerializer, Immutable, Alias("ls.UsageEntry")]
public sealed record UsageEntry(
    [property: Id(0)] Guid BookingId,
    [property: Id(1)] string InstrumentId,
    [property: Id(2)] string LabId,
    [property: Id(3)] int Minutes,
    [property: Id(4)] string Tariff,
    [property: Id(5)] decimal Amount,
    [property: Id(6)] string Currency,
    [property: Id(7)] string Kind)
{
    /// <summary>The ledger row's id (corrections name it).</summary>
    [Id(8)] public Guid EntryId { get; init; }
}

[GenerateSerializer, Immutable, Alias("ls.CurrencyTotal")]
public sealed record CurrencyTotal([property: Id(0)] string Currency, [property: Id(1)] decimal Amount);

[GenerateSerializer, Immutable, Alias("ls.QuotaUse")]
public sealed record QuotaUse([property: Id(0)] string InstrumentId, [property: Id(1)] int MinutesPerMonth, [property: Id(2)] int UsedMinutes);

[GenerateSerializer, Immutable, Alias("ls.TeamUsage")]
public sealed record TeamUsage
{
    [Id(0)] public required string TeamId { get; init; }

    [Id(1)] public required LocalDate Month { get; init; }

    [Id(2)] public IReadOnlyList<UsageEntry> Entries { get; init; } = [];

    [Id(3)] public IReadOnlyList<CurrencyTotal> Totals { get; init; } = [];

    [Id(4)] public IReadOnlyList<QuotaUse> Quotas { get; init; } = [];
}
