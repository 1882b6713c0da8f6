using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Persistence.Bookings;

/// <summary>Filters, visibility and keyset position of a bookings list.</summary>
public sealed record BookingQuery
{
    /// <summary>True for administrators: every row is visible.</summary>
    public bool All { get; init; }

    public string? VisibleToUser { get; init; }

    public IReadOnlyList<string> VisibleTeams { get; init; } = [];

    public IReadOnlyList<string> VisibleLabs { get; init; } = [];

    public string? InstrumentId { get; init; }

    public string? TeamId { get; init; }

    public string? UserId { get; init; }

    public string? LabId { get; init; }

    public BookingStatus? Status { get; init; }

    public Instant? From { get; init; }

    public Instant? To { get; init; }

    public Instant? AfterStart { get; init; }

    public Guid? AfterId { get; init; }

    public int Limit { get; init; } = 100;
}
