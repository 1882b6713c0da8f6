using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Common;
using LabScheduler.Domain.Availability;
using NodaTime;

namespace LabScheduler.Contracts.Instruments;

/// <summary>
/// An instrument (key: instrument id): profile, rules, opening hours, blackouts, trained
/// users, and the single writer of its bookings, whose future calendar it holds in memory.
/// </summary>
public interface IInstrumentGrain : IGrainWithStringKey
{
    /// <summary>Creates the instrument in a lab's zone; called by the lab grain.</summary>
    Task<CommandResult<InstrumentView>> InitializeAsync(InstrumentDefinition definition, string labId, string timeZone);

    /// <summary>The instrument, or null when no such instrument exists.</summary>
    Task<InstrumentView?> GetAsync();

    /// <summary>Replaces the weekly opening hours and closed dates.</summary>
    Task<CommandResult<InstrumentView>> SetOpeningHoursAsync(OpeningHours hours);

    /// <summary>Active, maintenance or retired.</summary>
    Task<CommandResult<InstrumentView>> SetStatusAsync(InstrumentStatus status);

    /// <summary>Records (or withdraws) a user's training sign-off.</summary>
    Task<CommandResult<InstrumentView>> SetAuthorizationAsync(string userId, bool authorized);

    /// <summary>Blacks out a period; blackout.conflict listing the bookings it hits unless they are to be cancelled.</summary>
    Task<CommandResult<Blackout>> AddBlackoutAsync(Interval interval, string reason, bool cancelConflicting, string actorId);

    /// <summary>Books a period for a team; acknowledged only once the row is committed.</summary>
    Task<CommandResult<Booking>> BookAsync(BookCommand command);

    /// <summary>Cancels a pending or confirmed booking and frees its time at once.</summary>
    Task<CommandResult<Booking>> CancelAsync(Guid bookingId, string actorId, string? reason);

    /// <summary>Confirms a pending booking.</summary>
    Task<CommandResult<Booking>> ApproveAsync(Guid bookingId, string actorId);

    /// <summary>Rejects a pending booking and frees its time.</summary>
    Task<CommandResult<Booking>> RejectAsync(Guid bookingId, string actorId, string? reason);

    /// <summary>One booking of this instrument, in any status, or null.</summary>
    Task<Booking?> GetBookingAsync(Guid bookingId);

    /// <summary>The bookings holding time that overlap a window, by start.</summary>
    Task<IReadOnlyList<Booking>> GetCalendarAsync(Interval window);
}
