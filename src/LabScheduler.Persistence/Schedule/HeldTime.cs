using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Schedule;

/// <summary>A booking holding time (pending, confirmed, checked in), with what a schedule shows of it.</summary>
public sealed record HeldTime(Guid Id, string InstrumentId, string LabId, string TeamId, string UserId, BookingStatus Status, Interval Interval, string Purpose);
