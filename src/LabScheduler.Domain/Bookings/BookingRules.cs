namespace LabScheduler.Domain.Bookings;

/// <summary>An instrument's booking rules; every default is the contract's.</summary>
public sealed record BookingRules
{
    /// <summary>Starts and ends lie on this grid, counted from local midnight in the lab's zone.</summary>
    public int SlotMinutes { get; init; } = 15;

    public int MinMinutes { get; init; } = 15;

    public int MaxMinutes { get; init; } = 480;

    /// <summary>Kept free after each booking.</summary>
    public int BufferMinutes { get; init; }

    /// <summary>The earliest start is now plus this.</summary>
    public int LeadMinutes { get; init; }

    /// <summary>The latest start is now plus this many days.</summary>
    public int HorizonDays { get; init; } = 90;

    public bool RequiresApproval { get; init; }

    public bool RequiresAuthorization { get; init; }

    /// <summary>How many bookings may overlap (seats).</summary>
    public int Capacity { get; init; } = 1;

    /// <summary>Minutes after the start by which a booking must be checked in, else it is a no-show.</summary>
    public int NoShowMinutes { get; init; } = 15;

    /// <summary>When freed time goes to the first waiter: booked for them at once (true) or offered (false).</summary>
    public bool WaitlistAutoBook { get; init; }

    /// <summary>How long an offer to a waiter holds the time before it passes to the next.</summary>
    public int OfferMinutes { get; init; } = 60;

    /// <summary>A booker's cancellation later than this many hours before the start is late, charged like a no-show where no-shows are charged.</summary>
    public int CancelDeadlineHours { get; init; }

    /// <summary>Charging override: charge actual minutes instead of booked ones.</summary>
    public bool ChargeActual { get; init; }

    /// <summary>Charging override: whether no-shows are charged (default true).</summary>
    public bool ChargeNoShow { get; init; } = true;

    /// <summary>Charging override: the least number of minutes a charge is for.</summary>
    public int MinimumChargeMinutes { get; init; }

    /// <summary>
    /// Member-state shares of the bookable time of each calendar month (lab zone), in percent, by
    /// ISO country code, with "*" for every other country; empty for none.
    /// </summary>
    public IReadOnlyDictionary<string, int> Shares { get; init; } = new Dictionary<string, int>();

    /// <summary>Hard shares refuse a booking past its state's share (share.exceeded); soft ones allow it and report.</summary>
    public bool SharesHard { get; init; }

    /// <summary>The charging policy these rules set.</summary>
    public Accounting.ChargingPolicy Charging => new()
    {
        ChargeActual = ChargeActual,
        ChargeNoShow = ChargeNoShow,
        MinimumChargeMinutes = MinimumChargeMinutes,
    };

    public static BookingRules Default { get; } = new();

    /// <summary>Field name and message for every rule out of range; empty when all are valid.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors[field] = message;
            }
        }

        Check(SlotMinutes is >= 1 and <= 1440 && 1440 % SlotMinutes == 0, "rules.slotMinutes", "must divide a day (1 to 1440, e.g. 5, 15, 30, 60)");
        Check(MinMinutes >= 1, "rules.minMinutes", "must be at least 1");
        Check(MaxMinutes >= MinMinutes && MaxMinutes <= 31 * 1440, "rules.maxMinutes", "must be at least minMinutes and at most 31 days");
        Check(BufferMinutes is >= 0 and <= 1440, "rules.bufferMinutes", "must be 0 to 1440");
        Check(LeadMinutes is >= 0 and <= 365 * 1440, "rules.leadMinutes", "must be 0 to a year");
        Check(HorizonDays is >= 1 and <= 3660, "rules.horizonDays", "must be 1 to 3660");
        Check(Capacity is >= 1 and <= 1000, "rules.capacity", "must be 1 to 1000");
        Check(NoShowMinutes is >= 0 and <= 1440, "rules.noShowMinutes", "must be 0 to 1440");
        Check(OfferMinutes is >= 1 and <= 10080, "rules.offerMinutes", "must be 1 to 10080 (a week)");
        Check(CancelDeadlineHours is >= 0 and <= 8760, "rules.cancelDeadlineHours", "must be 0 to 8760 (a year)");
        Check(MinimumChargeMinutes is >= 0 and <= 1440, "rules.minimumChargeMinutes", "must be 0 to 1440");
        Check(Shares.Count == 0 || (Shares.All(s => (s.Key == "*" || Reference.MemberStates.IsKnown(s.Key)) && s.Value is >= 0 and <= 100) && Shares.Values.Sum() <= 100),
            "rules.shares", "are percentages by country code (or \"*\"), 0 to 100 each, at most 100 in all");
        return errors;
    }
}
