using NodaTime;

namespace LabScheduler.Domain.Accounting;

/// <summary>Which hourly rate applies: the team's country is the lab's, one of its partners, or neither.</summary>
public enum Tariff
{
    Internal,
    Partner,
    External,
}

/// <summary>How a booking's outcome is charged, and the per-instrument overrides.</summary>
public sealed record ChargingPolicy
{
    /// <summary>Charge the actual minutes (check-in to check-out, within the booking) instead of the booked ones (default: booked).</summary>
    public bool ChargeActual { get; init; }

    /// <summary>Whether a no-show is charged for its booked minutes (default true).</summary>
    public bool ChargeNoShow { get; init; } = true;

    /// <summary>No charge is for fewer minutes than this (default 0).</summary>
    public int MinimumChargeMinutes { get; init; }

    public static ChargingPolicy Default { get; } = new();
}

/// <summary>One charge: the minutes and the amount at the tariff's hourly rate.</summary>
public sealed record Charge(Tariff Tariff, int BookedMinutes, int ActualMinutes, int ChargedMinutes, decimal HourlyRate, decimal Amount, LocalDate Month);

/// <summary>The accounting rules, pure.</summary>
public static class Charging
{
    public static Tariff TariffFor(string teamState, string labState, IReadOnlyCollection<string> partnerStates) =>
        teamState == labState ? Tariff.Internal : partnerStates.Contains(teamState) ? Tariff.Partner : Tariff.External;

    /// <summary>The calendar month (its first day) a booking's entry falls in: the month of its start in the lab's zone.</summary>
    public static LocalDate MonthOf(Instant start, DateTimeZone labZone)
    {
        var date = start.InZone(labZone).Date;
        return new LocalDate(date.Year, date.Month, 1);
    }

    /// <summary>The charge for a completed session or a no-show, or null when the policy charges nothing.</summary>
    /// <remarks>
    /// A session never runs past its booking (the sweep completes it at the booked end, and time
    /// before the booked start is not the team's), so the actual minutes are those of
    /// <paramref name="actual"/> within <paramref name="booked"/>, and never more than the booked ones.
    /// </remarks>
    public static Charge? For(
        Interval booked, Interval? actual, bool noShow, ChargingPolicy policy, Tariff tariff, decimal hourlyRate, DateTimeZone labZone)
    {
        var bookedMinutes = (int)Math.Round(booked.Duration.TotalMinutes);
        var actualMinutes = actual is { } a ? (int)Math.Round(Within(a, booked).TotalMinutes) : 0;
        int minutes;
        if (noShow)
        {
            if (!policy.ChargeNoShow)
            {
                return null;
            }

            minutes = bookedMinutes;
        }
        else
        {
            minutes = policy.ChargeActual ? actualMinutes : bookedMinutes;
        }

        minutes = Math.Max(minutes, policy.MinimumChargeMinutes);
        var amount = Math.Round(hourlyRate * minutes / 60m, 2, MidpointRounding.AwayFromZero);
        return new Charge(tariff, bookedMinutes, actualMinutes, minutes, hourlyRate, amount, MonthOf(booked.Start, labZone));
    }

    private static Duration Within(Interval actual, Interval booked)
    {
        var start = actual.Start > booked.Start ? actual.Start : booked.Start;
        var end = actual.End < booked.End ? actual.End : booked.End;
        return end > start ? end - start : Duration.Zero;
    }
}
