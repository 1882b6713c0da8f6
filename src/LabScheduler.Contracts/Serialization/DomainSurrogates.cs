using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Contracts.Serialization;

// The domain project stays free of Orleans; these surrogates let its records cross grain calls.

[GenerateSerializer, Immutable, Alias("ls.BookingRulesSurrogate")]
public readonly struct BookingRulesSurrogate
{
    [Id(0)] public int SlotMinutes { get; init; }

    [Id(1)] public int MinMinutes { get; init; }

    [Id(2)] public int MaxMinutes { get; init; }

    [Id(3)] public int BufferMinutes { get; init; }

    [Id(4)] public int LeadMinutes { get; init; }

    [Id(5)] public int HorizonDays { get; init; }

    [Id(6)] public bool RequiresApproval { get; init; }

    [Id(7)] public bool RequiresAuthorization { get; init; }

    [Id(8)] public int Capacity { get; init; }

    [Id(9)] public int NoShowMinutes { get; init; }

    [Id(10)] public bool WaitlistAutoBook { get; init; }

    [Id(11)] public int OfferMinutes { get; init; }

    [Id(12)] public bool ChargeActual { get; init; }

    [Id(13)] public bool ChargeNoShow { get; init; }

    [Id(14)] public int MinimumChargeMinutes { get; init; }

    [Id(15)] public Dictionary<string, int>? Shares { get; init; }

    [Id(16)] public bool SharesHard { get; init; }

    [Id(17)] public int CancelDeadlineHours { get; init; }
}

[RegisterConverter]
public sealed class BookingRulesSurrogateConverter : IConverter<BookingRules, BookingRulesSurrogate>
{
    public BookingRules ConvertFromSurrogate(in BookingRulesSurrogate s) => new()
    {
        SlotMinutes = s.SlotMinutes,
        MinMinutes = s.MinMinutes,
        MaxMinutes = s.MaxMinutes,
        BufferMinutes = s.BufferMinutes,
        LeadMinutes = s.LeadMinutes,
        HorizonDays = s.HorizonDays,
        RequiresApproval = s.RequiresApproval,
        RequiresAuthorization = s.RequiresAuthorization,
        Capacity = s.Capacity,
        NoShowMinutes = s.NoShowMinutes,
        WaitlistAutoBook = s.WaitlistAutoBook,
        OfferMinutes = s.OfferMinutes,
        ChargeActual = s.ChargeActual,
        ChargeNoShow = s.ChargeNoShow,
        MinimumChargeMinutes = s.MinimumChargeMinutes,
        Shares = s.Shares ?? [],
        SharesHard = s.SharesHard,
        CancelDeadlineHours = s.CancelDeadlineHours,
    };

    public BookingRulesSurrogate ConvertToSurrogate(in BookingRules value) => new()
    {
        SlotMinutes = value.SlotMinutes,
        MinMinutes = value.MinMinutes,
        MaxMinutes = value.MaxMinutes,
        BufferMinutes = value.BufferMinutes,
        LeadMinutes = value.LeadMinutes,
        HorizonDays = value.HorizonDays,
        RequiresApproval = value.RequiresApproval,
        RequiresAuthorization = value.RequiresAuthorization,
        Capacity = value.Capacity,
        NoShowMinutes = value.NoShowMinutes,
        WaitlistAutoBook = value.WaitlistAutoBook,
        OfferMinutes = value.OfferMinutes,
        ChargeActual = value.ChargeActual,
        ChargeNoShow = value.ChargeNoShow,
        MinimumChargeMinutes = value.MinimumChargeMinutes,
        Shares = new Dictionary<string, int>(value.Shares),
        SharesHard = value.SharesHard,
        CancelDeadlineHours = value.CancelDeadlineHours,
    };
}

[GenerateSerializer, Immutable, Alias("ls.WeeklyOpeningSurrogate")]
public readonly struct WeeklyOpeningSurrogate
{
    [Id(0)] public IsoDayOfWeek Day { get; init; }

    [Id(1)] public LocalTime From { get; init; }

    [Id(2)] public LocalTime To { get; init; }

    [Id(3)] public bool ToEndOfDay { get; init; }
}

[RegisterConverter]
public sealed class WeeklyOpeningSurrogateConverter : IConverter<WeeklyOpening, WeeklyOpeningSurrogate>
{
    public WeeklyOpening ConvertFromSurrogate(in WeeklyOpeningSurrogate s) => new(s.Day, s.From, s.To, s.ToEndOfDay);

    public WeeklyOpeningSurrogate ConvertToSurrogate(in WeeklyOpening value) =>
        new() { Day = value.Day, From = value.From, To = value.To, ToEndOfDay = value.ToEndOfDay };
}

[GenerateSerializer, Immutable, Alias("ls.OpeningHoursSurrogate")]
public readonly struct OpeningHoursSurrogate
{
    [Id(0)] public WeeklyOpening[] Weekly { get; init; }

    [Id(1)] public LocalDate[] ClosedDates { get; init; }
}

[RegisterConverter]
public sealed class OpeningHoursSurrogateConverter : IConverter<OpeningHours, OpeningHoursSurrogate>
{
    public OpeningHours ConvertFromSurrogate(in OpeningHoursSurrogate s) => new(s.Weekly ?? [], s.ClosedDates ?? []);

    public OpeningHoursSurrogate ConvertToSurrogate(in OpeningHours value) =>
        new() { Weekly = [.. value.Weekly], ClosedDates = [.. value.ClosedDates] };
}
