using NodaTime;

namespace LabScheduler.Domain.Accounting;

/// <summary>Prices: which of an instrument's rates applies, and what a session ran.</summary>
public static class Pricing
{
    /// <summary>The hourly rate of a tariff among an instrument's three.</summary>
    public static decimal RateFor(Tariff tariff, decimal internalRate, decimal partnerRate, decimal externalRate) => tariff switch
    {
        Tariff.Internal => internalRate,
        Tariff.Partner => partnerRate,
        _ => externalRate,
    };

    /// <summary>
    /// The time a completed session ran: from check-in (never before the booked start) to its end.
    /// A booking completed without a check-in ran from its start.
    /// </summary>
    public static Interval Session(Interval booked, Instant? checkedInAt, Instant endedAt)
    {
        var from = checkedInAt is { } at && at > booked.Start ? at : booked.Start;
        return new Interval(from < endedAt ? from : endedAt, endedAt);
    }

    /// <summary>The price of a booking that runs exactly as booked: what check-out on time will charge.</summary>
    public static Charge Quote(Interval booked, ChargingPolicy policy, Tariff tariff, decimal hourlyRate, DateTimeZone labZone) =>
        Charging.For(booked, booked, noShow: false, policy, tariff, hourlyRate, labZone)!;
}
