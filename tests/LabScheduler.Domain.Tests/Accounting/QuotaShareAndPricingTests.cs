using LabScheduler.Domain.Accounting;
using LabScheduler.Domain.Bookings;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Accounting;

/// <summary>The quota, member-state share and pricing decisions, apart from any grain or table.</summary>
public sealed class QuotaShareAndPricingTests
{
    [Theory]
    [InlineData(600, 540, 60, true)]
    [InlineData(600, 541, 60, false)]
    [InlineData(600, 0, 601, false)]
    [InlineData(0, 0, 0, true)]
    public void Quota_ReachingItExactlyIsAllowed_PassingItIsNot(int quota, long used, long asked, bool allowed) =>
        Assert.Equal(allowed, Quotas.Allows(quota, used, asked));

    [Fact]
    public void Months_CountAnIntervalInTheMonthOfItsLocalStart_WithTheZonesMidnights()
    {
        // 23:30 UTC on 31 December is 07:30 on 1 January in Shanghai: January's minutes there.
        var asked = Months.Asked(
            [Between("2026-12-31T23:30:00Z", "2027-01-01T00:30:00Z"), Between("2026-12-10T02:00:00Z", "2026-12-10T03:30:00Z")], Shanghai);

        Assert.Equal([new LocalDate(2026, 12, 1), new LocalDate(2027, 1, 1)], asked.Select(m => m.Month));
        Assert.Equal([90L, 60L], asked.Select(m => m.AskedMinutes));
        Assert.Equal(Between("2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z"), asked[0].Span);
    }

    [Fact]
    public void MonthSpan_OverADstChange_IsTheLocalMonthNotThirtyDays()
    {
        // Berlin's October 2026 has 31 days and one hour more (clocks go back on the 25th).
        var october = Months.Span(new LocalDate(2026, 10, 1), Berlin);
        Assert.Equal(Duration.FromDays(31) + Duration.FromHours(1), october.Duration);
    }

    private static readonly BookingRules SharedRules = BookingRules.Default with
    {
        Shares = new Dictionary<string, int> { ["CN"] = 50, ["RU"] = 20, [Shares.Others] = 30 },
        SharesHard = true,
    };

    [Fact]
    public void Standings_CountEveryCountryUnderItsShare_OthersLast()
    {
        var standings = Shares.Standings(SharedRules, openMinutes: 10_000, new Dictionary<string, (long Booked, long Used)>
        {
            ["CN"] = (1_000, 400),
            ["IN"] = (300, 300),
            ["PK"] = (200, 0),
        });

        Assert.Equal(["CN", "RU", "*"], standings.Select(s => s.Key));
        Assert.Equal(new ShareStanding("CN", 50, 5_000, 1_000, 400), standings[0]);
        Assert.Equal(new ShareStanding("RU", 20, 2_000, 0, 0), standings[1]);
        // India and Pakistan have no share of their own: they book under "*".
        Assert.Equal(new ShareStanding("*", 30, 3_000, 500, 300), standings[2]);
    }

    [Fact]
    public void Judge_HardSharesRefuse_SoftOnesWarn_NoSharesAlwaysWithin()
    {
        var standing = new ShareStanding("RU", 20, 2_000, 1_900, 0);

        Assert.Equal(ShareVerdict.Within, Shares.Judge(SharedRules, standing, 100));
        Assert.Equal(ShareVerdict.Refuse, Shares.Judge(SharedRules, standing, 101));
        Assert.Equal(ShareVerdict.Warn, Shares.Judge(SharedRules with { SharesHard = false }, standing, 101));
        Assert.Equal(ShareVerdict.Within, Shares.Judge(BookingRules.Default, null, 1_000_000));
    }

    [Fact]
    public void Judge_ACountryWithoutAShareWhenThereIsNoOthersShare_IsEntitledToNothing()
    {
        var rules = SharedRules with { Shares = new Dictionary<string, int> { ["CN"] = 100 } };
        Assert.Null(Shares.KeyFor(rules, "IN"));
        Assert.Equal(ShareVerdict.Refuse, Shares.Judge(rules, null, 1));
    }

    [Theory]
    [InlineData(Tariff.Internal, 10)]
    [InlineData(Tariff.Partner, 20)]
    [InlineData(Tariff.External, 30)]
    public void RateFor_PicksTheTariffsRate(Tariff tariff, int expected) =>
        Assert.Equal(expected, Pricing.RateFor(tariff, 10m, 20m, 30m));

    [Fact]
    public void Session_RunsFromCheckIn_NeverBeforeTheBookedStart()
    {
        var booked = Between("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");

        Assert.Equal(Between("2026-12-01T01:20:00Z", "2026-12-01T02:00:00Z"), Pricing.Session(booked, Utc("2026-12-01T01:20:00Z"), Utc("2026-12-01T02:00:00Z")));
        Assert.Equal(Between("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z"), Pricing.Session(booked, Utc("2026-12-01T00:50:00Z"), Utc("2026-12-01T03:00:00Z")));
        Assert.Equal(booked, Pricing.Session(booked, null, booked.End));
    }

    [Fact]
    public void Quote_IsWhatCheckOutOnTimeCharges()
    {
        var booked = Between("2026-12-01T01:00:00Z", "2026-12-01T02:30:00Z");
        var quote = Pricing.Quote(booked, ChargingPolicy.Default with { MinimumChargeMinutes = 120 }, Tariff.Partner, 100m, Shanghai);

        Assert.Equal(120, quote.ChargedMinutes);
        Assert.Equal(200m, quote.Amount);
        Assert.Equal(Charging.For(booked, booked, false, ChargingPolicy.Default with { MinimumChargeMinutes = 120 }, Tariff.Partner, 100m, Shanghai), quote);
    }
}
