using NodaTime;

namespace LabScheduler.Domain.Accounting;

/// <summary>Booked minutes by hour of the week in the lab's local time (Monday 00:00 first).</summary>
public sealed class HeatMap
{
    private readonly long[,] _minutes = new long[7, 24];

    /// <summary>Minutes booked on <paramref name="day"/> in the hour starting at <paramref name="hour"/>.</summary>
    public long this[IsoDayOfWeek day, int hour] => _minutes[(int)day - 1, hour];

    /// <summary>Adds a span, cut at every local hour boundary so each part lands in its own cell.</summary>
    public void Add(Interval span, DateTimeZone zone)
    {
        var cursor = span.Start;
        while (cursor < span.End)
        {
            var local = cursor.InZone(zone);
            var nextHour = local.LocalDateTime.Date.At(new LocalTime(local.Hour, 0)).PlusHours(1);
            // The next local hour boundary as an instant; across a DST change it may come sooner or later.
            var boundary = zone.AtLeniently(nextHour).ToInstant();
            var until = boundary > cursor && boundary < span.End ? boundary : span.End;
            _minutes[(int)local.DayOfWeek - 1, local.Hour] += (long)Math.Round((until - cursor).TotalMinutes);
            cursor = until;
        }
    }

    /// <summary>Rows Monday to Sunday, columns 00 to 23.</summary>
    public long[][] ToRows() => [.. Enumerable.Range(0, 7).Select(d => Enumerable.Range(0, 24).Select(h => _minutes[d, h]).ToArray())];
}
