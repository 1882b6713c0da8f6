using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Availability;
using NodaTime;

namespace LabScheduler.Contracts.Instruments;

/// <summary>
/// An instrument (key: instrument id): profile, rules, opening hours, blackouts, trained
/// users, and the single writer of its bookings, whose future calendar it holds in memory.
/// Settings change only for the lab's managers and admins (as the actor's user grain knows them).
/// </summary>
public interface IInstrumentGrain : IGrainWithStringKey
{
    /// <summary>Creates the instrument in a lab's zone; called by the lab grain, which checked the actor.</summary>
    [InternalOnly]
    Task<CommandResult<InstrumentView>> InitializeAsync(InstrumentDefinition definition, LabPlacement lab);

    /// <summary>The instrument, or null when no such instrument exists.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<InstrumentView?> GetAsync();

    /// <summary>Changes name, category, rates, rules or status (managers, admin).</summary>
    Task<CommandResult<InstrumentView>> UpdateAsync(Actor actor, InstrumentPatch patch);

    /// <summary>Replaces the weekly opening hours and closed dates (managers, admin).</summary>
    Task<CommandResult<InstrumentView>> SetOpeningHoursAsync(Actor actor, OpeningHours hours);

    /// <summary>Records or withdraws a user's training sign-off (managers, admin).</summary>
    Task<CommandResult<InstrumentView>> SetAuthorizationAsync(Actor actor, string userId, bool authorized);

    /// <summary>Sets a team's monthly quota on this instrument (managers, admin).</summary>
    Task<CommandResult<int>> SetTeamQuotaAsync(Actor actor, string teamId, int minutesPerMonth);

    /// <summary>Blacks out a period (managers, admin); blackout.conflict listing the bookings it hits unless they are to be cancelled.</summary>
    /// <remarks>A given <paramref name="blackoutId"/> makes retries idempotent: the blackout with that id is answered again.</remarks>
    Task<CommandResult<Blackout>> AddBlackoutAsync(Actor actor, Interval interval, string reason, bool cancelConflicting, Guid? blackoutId = null);

    /// <summary>Books a period for a team; acknowledged only once the row is committed. The actor is the booker.</summary>
    Task<CommandResult<Booking>> BookAsync(Actor actor, BookCommand command);

    /// <summary>
    /// Books every occurrence of a recurring series or none: problems list each occurrence that
    /// conflicts or breaks a rule.
    /// </summary>
    Task<CommandResult<Series>> BookSeriesAsync(Actor actor, SeriesCommand command);

    /// <summary>Cancels the occurrences of a series that have not yet started (booker, managers, admin).</summary>
    Task<CommandResult<Series>> CancelSeriesAsync(Actor actor, Guid seriesId, string? reason);

    /// <summary>The booker checks in: from 15 minutes before the start until the end.</summary>
    Task<CommandResult<Booking>> CheckInAsync(Actor actor, Guid bookingId);

    /// <summary>The booker checks out after checking in: records the actual end, completes the booking and frees the rest.</summary>
    Task<CommandResult<Booking>> CheckOutAsync(Actor actor, Guid bookingId);

    /// <summary>
    /// Applies the transitions time has made due: no-show after noShowMinutes without check-in,
    /// completion once a checked-in booking's end passes, expiry of pending bookings at their start.
    /// Idempotent: what is done is not done again. Returns how many bookings changed.
    /// </summary>
    [InternalOnly]
    Task<int> SweepAsync();

    /// <summary>
    /// Records bookings that are already over (completed, no-show, cancelled), as a migration from
    /// another system or the demo's history brings them, with the ledger rows their outcomes charge
    /// at the teams' tariffs. Each must have ended more than a day ago, so no calendar holds it.
    /// Only the system may call it; ids stored already are skipped. Returns how many were recorded.
    /// </summary>
    [InternalOnly]
    Task<CommandResult<int>> ImportHistoryAsync(Actor actor, IReadOnlyList<Booking> past);

    /// <summary>Joins the waitlist of a taken interval (same rights as booking it); waitlist.time-free when it is free.</summary>
    Task<CommandResult<LabScheduler.Contracts.Waitlist.WaitlistEntry>> JoinWaitlistAsync(Actor actor, LabScheduler.Contracts.Waitlist.WaitlistCommand command);

    /// <summary>The waiter takes an offer before it expires: the held time becomes their booking.</summary>
    Task<CommandResult<Booking>> AcceptOfferAsync(Actor actor, Guid entryId);

    /// <summary>The waiter (or a manager, admin) leaves the line; a held offer passes to the next.</summary>
    Task<CommandResult<LabScheduler.Contracts.Waitlist.WaitlistEntry>> WithdrawAsync(Actor actor, Guid entryId);

    /// <summary>The entries still in line, oldest first.</summary>
    Task<IReadOnlyList<LabScheduler.Contracts.Waitlist.WaitlistEntry>> GetWaitlistAsync();

    /// <summary>Cancels a pending or confirmed booking (booker, managers, admin) and frees its time at once.</summary>
    Task<CommandResult<Booking>> CancelAsync(Actor actor, Guid bookingId, string? reason);

    /// <summary>Confirms a pending booking (managers, admin).</summary>
    Task<CommandResult<Booking>> ApproveAsync(Actor actor, Guid bookingId);

    /// <summary>Rejects a pending booking (managers, admin) and frees its time.</summary>
    Task<CommandResult<Booking>> RejectAsync(Actor actor, Guid bookingId, string? reason);

    /// <summary>One booking of this instrument, in any status, or null.</summary>
    Task<Booking?> GetBookingAsync(Guid bookingId);

    /// <summary>The bookings holding time that overlap a window, by start.</summary>
    Task<IReadOnlyList<Booking>> GetCalendarAsync(Interval window);

    /// <summary>Member-state shares of a month (lab zone): entitled versus booked versus used (managers, admin).</summary>
    Task<CommandResult<IReadOnlyList<ShareUse>>> GetSharesAsync(Actor actor, LocalDate month);

    /// <summary>Free intervals in a window: open, not blacked out, not booked (buffers counted; with seats, at least one free).</summary>
    Task<IReadOnlyList<Interval>> GetFreeAsync(Interval window);
}

/// <summary>One share of an instrument's month: the country (or "*"), its percent, and minutes entitled, booked, used.</summary>
[GenerateSerializer, Immutable, Alias("ls.ShareUse")]
public sealed record ShareUse(
    [property: Id(0)] string Key,
    [property: Id(1)] int Percent,
    [property: Id(2)] long EntitledMinutes,
    [property: Id(3)] long BookedMinutes,
    [property: Id(4)] long UsedMinutes);

/// <summary>Where an instrument stands: its lab, the lab's zone and country.</summary>
[GenerateSerializer, Immutable, Alias("ls.LabPlacement")]
public sealed record LabPlacement
{
    [Id(0)] public required string LabId { get; init; }

    [Id(1)] public required string TimeZone { get; init; }

    [Id(2)] public required string MemberState { get; init; }

    /// <summary>Countries whose teams pay the partner tariff.</summary>
    [Id(3)] public IReadOnlyList<string> PartnerStates { get; init; } = [];
}

/// <summary>A partial update of an instrument: null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("ls.InstrumentPatch")]
public sealed record InstrumentPatch
{
    [Id(0)] public string? Name { get; init; }

    [Id(1)] public string? Category { get; init; }

    [Id(2)] public Rates? Rates { get; init; }

    [Id(3)] public LabScheduler.Domain.Bookings.BookingRules? Rules { get; init; }

    [Id(4)] public InstrumentStatus? Status { get; init; }

    /// <summary>With a rules change that future bookings would break: cancel those bookings instead of refusing the change.</summary>
    [Id(5)] public bool CancelConflicting { get; init; }
}
