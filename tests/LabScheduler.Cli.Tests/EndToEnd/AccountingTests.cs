namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>quota set, shares, usage, report utilization | statements | settlement | heatmap (--csv), audit: against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AccountingTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Quota_RefusesBookingsBeyondIt_AndUsageShowsIt()
    {
        var instrument = await Scenario.NewInstrument(fixture);
        using var wei = await Scenario.SignedIn(fixture, "wei");
        using var alice = await Scenario.SignedIn(fixture, "alice");

        Assert.Contains("may book 60 minutes a month", await wei.Ok("quota", "set", "tnu-catalysis", instrument, "--minutes", "60"), StringComparison.Ordinal);
        var over = await alice.Run("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-10T09:00", "--local-end", "2026-12-10T11:00");
        Assert.Equal(ExitCodes.Refused, over.Exit);
        Assert.Contains("quota.exceeded", over.Err, StringComparison.Ordinal);

        await alice.Ok("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-10T09:00", "--local-end", "2026-12-10T10:00");
        Assert.Contains($"Quota on {instrument}: 60 of 60 minutes used", await alice.Ok("usage", "tnu-catalysis", "--month", "2026-12"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shares_OfAMonth_PerMemberState()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr", "shares={\"CN\":50,\"TJ\":30,\"*\":20}");
        using var wei = await Scenario.SignedIn(fixture, "wei");

        var csv = await wei.Ok("shares", instrument, "--month", "2026-12", "--csv");

        Assert.StartsWith("key,percent,entitledMinutes,bookedMinutes,usedMinutes\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\r\nCN,50,", csv, StringComparison.Ordinal);
        Assert.Contains("\r\nTJ,30,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_AsTablesAndCsv_AfterACompletedSession()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr", "slotMinutes=5", "minMinutes=5");
        using var alice = await Scenario.SignedIn(fixture, "alice");
        using var admin = await Scenario.SignedIn(fixture, "admin");
        var id = (await alice.Json("book", instrument, "--team", "tnu-catalysis", "--start", "2026-11-30T00:05:00Z", "--end", "2026-11-30T01:05:00Z")).GetProperty("id").GetString()!;
        await alice.Ok("check-in", id);
        await alice.Ok("check-out", id);

        var usage = await alice.Ok("usage", "tnu-catalysis", "--month", "2026-11", "--csv");
        Assert.StartsWith("id,bookingId,instrumentId,labId,minutes,tariff,amount,currency,kind\r\n", usage, StringComparison.Ordinal);
        Assert.True(usage.Contains($",{id},{instrument},xian-nmr,60,partner,150.00,CNY,usage", StringComparison.Ordinal), usage);

        var statements = await admin.Ok("report", "statements", "--month", "2026-11", "--csv");
        Assert.StartsWith("key,currency,amount,minutes,entries,adjustments\r\n", statements, StringComparison.Ordinal);
        Assert.Contains("\r\ntnu-catalysis,CNY,", statements, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^tnu-catalysis\s+CNY\s+\d", await admin.Ok("report", "statements", "--month", "2026-11"));

        Assert.Contains("\r\nTJ,CN,CNY,", await admin.Ok("report", "settlement", "--month", "2026-11", "--csv"), StringComparison.Ordinal);
        Assert.StartsWith("key,openMinutes,bookedMinutes,usedMinutes,utilization,bookings,noShows,noShowRate,cancellations,cancellationRate\r\n",
            await admin.Ok("report", "utilization", "--from", "2026-11-30", "--to", "2026-12-01", "--lab", "xian-nmr", "--csv"), StringComparison.Ordinal);

        var heat = await admin.Ok("report", "heatmap", "--from", "2026-11-30", "--to", "2026-12-01", "--lab", "xian-nmr", "--csv");
        var monday = heat.Split("\r\n").Single(l => l.StartsWith("monday,", StringComparison.Ordinal)).Split(',');
        Assert.True(long.Parse(monday[1 + 8], System.Globalization.CultureInfo.InvariantCulture) >= 55, heat);
    }

    [Fact]
    public async Task Audit_ShowsWhoChangedAnInstrument_InYourZone()
    {
        var instrument = await Scenario.NewInstrument(fixture);
        using var admin = await Scenario.SignedIn(fixture, "admin");
        await admin.Ok("instrument", "rules", instrument, "--set", "bufferMinutes=10");

        var audit = await admin.Ok("--tz", "Asia/Tehran", "audit", "--entity-id", instrument);

        Assert.Contains("WHEN (Asia/Tehran)", audit, StringComparison.Ordinal);
        Assert.Matches(@"\+03:30\s+admin", audit);
        Assert.True(audit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3, audit);
        using var alice = await Scenario.SignedIn(fixture, "alice");
        Assert.Equal(ExitCodes.Auth, (await alice.Run("audit")).Exit);
    }
}
