namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>hours set | show, blackouts add | list, free, slots, against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AvailabilityTests(GatewayFixture fixture)
{
    [Fact]
    public async Task OpeningHours_FromAFile_AreShownAsAWeekGridInLabTime_AndBound()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr");
        using var wei = await Scenario.SignedIn(fixture, "wei");
        using var alice = await Scenario.SignedIn(fixture, "alice");
        var file = wei.File("hours.txt", System.Text.Encoding.UTF8.GetBytes("# Xi'an NMR, lab time\nmon-fri 08:00-20:00\nsaturday 09:00-13:00\nsunday closed\nclosed 2026-12-31\n"));

        await wei.Ok("hours", "set", instrument, "--file", file);
        var grid = await alice.Ok("--tz", "Asia/Dushanbe", "hours", "show", instrument);

        Assert.Matches(@"(?m)^wednesday\s+········████████████····\s+08:00-20:00$", grid);
        Assert.Matches(@"(?m)^sunday\s+·{24}\s+closed$", grid);
        Assert.Contains("HOURS (lab time, Asia/Shanghai)", grid, StringComparison.Ordinal);
        Assert.Contains("Closed dates: 2026-12-31", grid, StringComparison.Ordinal);
        Assert.Contains("your time Asia/Dushanbe is UTC+05:00", grid, StringComparison.Ordinal);

        var outside = await alice.Run("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-16T20:00", "--local-end", "2026-12-16T21:00");
        Assert.Equal(ExitCodes.Refused, outside.Exit);
        Assert.Contains("booking.outside-opening-hours", outside.Err, StringComparison.Ordinal);

        // Free time follows the hours: Wednesday 08:00-20:00 in Xi'an is 05:00-17:00 in Dushanbe.
        var free = await alice.Ok("--tz", "Asia/Dushanbe", "free", instrument, "--from", "2026-12-16", "--to", "2026-12-17");
        Assert.Contains("2026-12-16 08:00 - 20:00 +08:00", free, StringComparison.Ordinal);
        Assert.Contains("2026-12-16 05:00 - 17:00 +05:00", free, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blackout_ThatHitsABooking_Is409_UntilItCancelsThem()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr");
        using var wei = await Scenario.SignedIn(fixture, "wei");
        using var alice = await Scenario.SignedIn(fixture, "alice");
        var booking = (await alice.Json("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-17T10:00", "--local-end", "2026-12-17T11:00")).GetProperty("id").GetString()!;
        string[] add = ["blackouts", "add", instrument, "--local-start", "2026-12-17T08:00", "--local-end", "2026-12-17T12:00", "--reason", "helium refill"];

        var hit = await wei.Run(add);
        Assert.Equal(ExitCodes.Conflict, hit.Exit);
        Assert.Contains("blackout.conflict", hit.Err, StringComparison.Ordinal);
        Assert.Contains(booking, hit.Err, StringComparison.Ordinal);

        var added = await wei.Ok([.. add, "--cancel-conflicting"]);
        Assert.Contains("2026-12-17 08:00 - 12:00 +08:00 (Asia/Shanghai)", added, StringComparison.Ordinal);
        Assert.Contains("helium refill", await alice.Ok("blackouts", "list", instrument), StringComparison.Ordinal);
        Assert.Equal("cancelled", (await alice.Json("booking", booking)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Slots_AcrossLabs_ShowLabTimeAndYours()
    {
        using var alice = await Scenario.SignedIn(fixture, "alice");

        var slots = await alice.Json("--tz", "Asia/Dushanbe", "slots", "--category", "nmr", "--duration", "60", "--from", "2026-12-21", "--limit", "5");

        var items = slots.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, s => Assert.Equal("Asia/Dushanbe", s.GetProperty("requester").GetProperty("timeZone").GetString()));
        Assert.Contains("YOUR TIME (Asia/Dushanbe)", await alice.Ok("--tz", "Asia/Dushanbe", "slots", "--category", "nmr", "--duration", "60", "--limit", "3"), StringComparison.Ordinal);
    }
}
