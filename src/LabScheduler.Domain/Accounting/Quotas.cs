namespace LabScheduler.Domain.Accounting;

/// <summary>A team's monthly quota of minutes on one instrument.</summary>
public static class Quotas
{
    /// <summary>
    /// Whether a request passes the quota: the minutes already used in the month (booked and not
    /// cancelled, no-shows where they are charged) and those asked stay within it. Reaching the
    /// quota exactly is allowed.
    /// </summary>
    public static bool Allows(int minutesPerMonth, long usedMinutes, long askedMinutes) =>
        usedMinutes + askedMinutes <= minutesPerMonth;
}
