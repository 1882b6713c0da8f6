using NodaTime;

namespace LabScheduler.Domain.Availability;

/// <summary>
/// One weekly opening period in the lab's local time: from <see cref="From"/> on
/// <see cref="Day"/> until <see cref="To"/>. <see cref="ToEndOfDay"/> stands for "24:00";
/// a <see cref="To"/> at or before <see cref="From"/> means the period runs overnight into
/// the next day.
/// </summary>
public sealed record WeeklyOpening(IsoDayOfWeek Day, LocalTime From, LocalTime To, bool ToEndOfDay = false)
{
    public bool IsOvernight => !ToEndOfDay && To <= From;

    /// <summary>The local start and end of this period when it begins on <paramref name="date"/>.</summary>
    public (LocalDateTime Start, LocalDateTime End) On(LocalDate date)
    {
        var start = date.At(From);
        var end = ToEndOfDay || IsOvernight ? date.PlusDays(1).At(ToEndOfDay ? LocalTime.Midnight : To) : date.At(To);
        return (start, end);
    }
}
