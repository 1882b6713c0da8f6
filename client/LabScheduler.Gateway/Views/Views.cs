using LabScheduler.Contracts.Bookings;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Gateway.Views;

public sealed record UserResponse(
    string Id, string DisplayName, string Email, string TimeZone, string MemberState,
    IReadOnlyList<string> Roles, IReadOnlyList<string> Teams, IReadOnlyList<string> ManagedLabs, string Language)
{
    public static UserResponse Of(UserView user) => new(
        user.Profile.Id, user.Profile.DisplayName, user.Profile.Email, user.Profile.TimeZone, user.Profile.MemberState,
        user.Profile.Roles, user.Teams, user.ManagedLabs, user.Profile.Language);
}

public sealed record LabResponse(
    string Id, string Name, string HostInstitution, string MemberState, string TimeZone,
    IReadOnlyList<string> PartnerStates, IReadOnlyList<string> Managers, IReadOnlyList<string> Instruments)
{
    public static LabResponse Of(LabView lab) => new(
        lab.Profile.Id, lab.Profile.Name, lab.Profile.HostInstitution, lab.Profile.MemberState, lab.Profile.TimeZone,
        lab.Profile.PartnerStates, lab.Managers, lab.Instruments);
}

public sealed record RatesView(decimal Internal, decimal Partner, decimal External);

public sealed record RulesView(
    int SlotMinutes, int MinMinutes, int MaxMinutes, int BufferMinutes, int LeadMinutes, int HorizonDays,
    bool RequiresApproval, bool RequiresAuthorization, int Capacity, int NoShowMinutes, bool WaitlistAutoBook, int OfferMinutes,
    bool ChargeActual, bool ChargeNoShow, int MinimumChargeMinutes, IReadOnlyDictionary<string, int> Shares, bool SharesHard, int CancelDeadlineHours)
{
    public static RulesView Of(BookingRules r) => new(
        r.SlotMinutes, r.MinMinutes, r.MaxMinutes, r.BufferMinutes, r.LeadMinutes, r.HorizonDays,
        r.RequiresApproval, r.RequiresAuthorization, r.Capacity, r.NoShowMinutes, r.WaitlistAutoBook, r.OfferMinutes,
        r.ChargeActual, r.ChargeNoShow, r.MinimumChargeMinutes, r.Shares, r.SharesHard, r.CancelDeadlineHours);
}

public sealed record InstrumentResponse(
    string Id, string LabId, string Name, string Category, string Currency, RatesView Rates, RulesView Rules,
    string Status, string TimeZone, string MemberState, IReadOnlyList<string> AuthorizedUsers)
{
    public static InstrumentResponse Of(InstrumentView i) => new(
        i.Id, i.LabId, i.Definition.Name, i.Definition.Category, i.Definition.Currency,
        new RatesView(i.Definition.Rates.Internal, i.Definition.Rates.Partner, i.Definition.Rates.External),
        RulesView.Of(i.Definition.Rules), Wire.Status(i.Status), i.TimeZone, i.MemberState, i.AuthorizedUsers);
}

public sealed record QuotaView(string InstrumentId, int MinutesPerMonth);

public sealed record TeamResponse(
    string Id, string Name, string Institution, string MemberState, IReadOnlyList<string> Members, IReadOnlyList<QuotaView> Quotas)
{
    public static TeamResponse Of(TeamView t) => new(
        t.Profile.Id, t.Profile.Name, t.Profile.Institution, t.Profile.MemberState, t.Members,
        [.. t.Quotas.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => new QuotaView(q.Key, q.Value))]);
}

public sealed record WeeklyView(string Day, string From, string To);

public sealed record OpeningHoursResponse(string InstrumentId, string TimeZone, IReadOnlyList<WeeklyView> Weekly, IReadOnlyList<string> ClosedDates)
{
    public static OpeningHoursResponse Of(InstrumentView i) => new(
        i.Id, i.TimeZone,
        [.. i.OpeningHours.Weekly.Select(w => new WeeklyView(Wire.Day(w.Day), Wire.Time(w.From), w.ToEndOfDay ? "24:00" : Wire.Time(w.To)))],
        [.. i.OpeningHours.ClosedDates.Select(d => d.ToString("uuuu-MM-dd", null))]);
}

public sealed record BlackoutResponse(string Id, string InstrumentId, string Start, string End, ZonedSpan Lab, ZonedSpan Requester, string Reason)
{
    public static BlackoutResponse Of(string instrumentId, Blackout b, DateTimeZone lab, DateTimeZone requester)
    {
        var span = IntervalView.Of(b.Interval, lab, requester);
        return new(b.Id.ToString(), instrumentId, span.Start, span.End, span.Lab, span.Requester, b.Reason);
    }
}

public sealed record FreeResponse(string InstrumentId, IReadOnlyList<IntervalView> Items);

public sealed record BookingResponse(
    string Id, string InstrumentId, string LabId, string TeamId, string UserId, string Status,
    string Start, string End, ZonedSpan Lab, ZonedSpan Requester, string Purpose,
    string CreatedAt, string UpdatedAt, string? StatusReason, string? SeriesId, string? CheckedInAt, string? EndedAt,
    string TeamState, IReadOnlyList<string> Warnings)
{
    public static BookingResponse Of(Booking b, DateTimeZone lab, DateTimeZone requester)
    {
        var span = IntervalView.Of(b.Interval, lab, requester);
        return new(
            b.Id.ToString(), b.InstrumentId, b.LabId, b.TeamId, b.UserId, BookingLifecycle.ToWire(b.Status),
            span.Start, span.End, span.Lab, span.Requester, b.Purpose,
            Utc.Render(b.CreatedAt), Utc.Render(b.UpdatedAt), b.StatusReason, b.SeriesId?.ToString(),
            b.CheckedInAt is { } checkedIn ? Utc.Render(checkedIn) : null, b.EndedAt is { } ended ? Utc.Render(ended) : null,
            b.TeamState, b.Warnings);
    }
}

public sealed record MemberStateView(string Code, string Name, string Kind);

/// <summary>The contract's lower-case spellings.</summary>
public static class Wire
{
    public static string Status(InstrumentStatus status) => status.ToString().ToLowerInvariant();

    public static InstrumentStatus? ParseStatus(string? wire) =>
        Enum.GetValues<InstrumentStatus>().Cast<InstrumentStatus?>().FirstOrDefault(s => Status(s!.Value) == wire);

    public static string Day(IsoDayOfWeek day) => day.ToString().ToLowerInvariant();

    public static IsoDayOfWeek? ParseDay(string? wire) =>
        Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Cast<IsoDayOfWeek?>().FirstOrDefault(d => Day(d!.Value) == wire);

    public static string Time(LocalTime time) => time.ToString("HH:mm", null);
}
