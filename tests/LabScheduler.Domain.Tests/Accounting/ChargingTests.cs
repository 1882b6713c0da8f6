using LabScheduler.Domain.Accounting;
using NodaTime;
using static LabScheduler.Domain.Tests.Zones;

namespace LabScheduler.Domain.Tests.Accounting;

/// <summary>Tariffs, the default charging policy of the HTTP API and its per-instrument overrides.</summary>
public sealed class ChargingTests
{
    private static readonly Interval TwoHours = Between("2026-12-01T01:00:00Z", "2026-12-01T03:00:00Z");

    [Theory]
    [InlineData("CN", Tariff.Internal)]
    [InlineData("TJ", Tariff.Partner)]
    [InlineData("IN", Tariff.External)]
    [InlineData("DE", Tariff.External)]
    public void TariffFor_TeamStateAgainstLabAndPartners(string team, Tariff expected) =>
        Assert.Equal(expected, Charging.TariffFor(team, "CN", ["TJ", "KZ"]));

    [Fact]
    public void MonthOf_SevenOnTheFirstInShanghai_IsThatMonthNotThePrevious()
    {
        // 07:00 on 1 December in Asia/Shanghai is 23:00 UTC on 30 November.
        Assert.Equal(new LocalDate(2026, 12, 1), Charging.MonthOf(Utc("2026-11-30T23:00:00Z"), Shanghai));
        Assert.Equal(new LocalDate(2026, 11, 1), Charging.MonthOf(Utc("2026-11-30T23:00:00Z"), DateTimeZone.Utc));
    }

    [Fact]
    public void Completed_ShorterSession_ChargesBookedMinutes_TimeOutsideTheBookingIsNotCounted()
    {
        var shorter = Charging.For(TwoHours, Between("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"), false, ChargingPolicy.Default, Tariff.Partner, 150m, Shanghai)!;
        Assert.Equal(120, shorter.ChargedMinutes);
        Assert.Equal(300m, shorter.Amount);

        // Checked in 15 minutes early: those minutes are neither charged nor counted as actual.
        var early = Charging.For(TwoHours, Between("2026-12-01T00:45:00Z", "2026-12-01T03:00:00Z"), false, ChargingPolicy.Default, Tariff.Partner, 150m, Shanghai)!;
        Assert.Equal(120, early.ChargedMinutes);
        Assert.Equal(120, early.ActualMinutes);
        Assert.Equal(300m, early.Amount);

        var actualOnly = Charging.For(TwoHours, Between("2026-12-01T00:45:00Z", "2026-12-01T02:00:00Z"), false, new ChargingPolicy { ChargeActual = true }, Tariff.Partner, 150m, Shanghai)!;
        Assert.Equal(60, actualOnly.ChargedMinutes);
    }

    [Fact]
    public void Overrides_ChargeActual_NoShowFree_MinimumCharge()
    {
        var actualOnly = new ChargingPolicy { ChargeActual = true };
        Assert.Equal(60, Charging.For(TwoHours, Between("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"), false, actualOnly, Tariff.Internal, 100m, Shanghai)!.ChargedMinutes);

        Assert.Equal(120, Charging.For(TwoHours, null, true, ChargingPolicy.Default, Tariff.Internal, 100m, Shanghai)!.ChargedMinutes);
        Assert.Null(Charging.For(TwoHours, null, true, new ChargingPolicy { ChargeNoShow = false }, Tariff.Internal, 100m, Shanghai));

        var minimum = new ChargingPolicy { ChargeActual = true, MinimumChargeMinutes = 90 };
        var charge = Charging.For(TwoHours, Between("2026-12-01T01:00:00Z", "2026-12-01T01:20:00Z"), false, minimum, Tariff.External, 7m, Shanghai)!;
        Assert.Equal(90, charge.ChargedMinutes);
        Assert.Equal(10.5m, charge.Amount);
    }

    [Fact]
    public void Amount_RoundsToCents()
    {
        var charge = Charging.For(Between("2026-12-01T01:00:00Z", "2026-12-01T01:10:00Z"), null, true, ChargingPolicy.Default, Tariff.Internal, 100m, Shanghai)!;
        Assert.Equal(16.67m, charge.Amount);
    }
}
