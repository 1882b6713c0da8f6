namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>book, approve --pending, check-in, check-out, booking, bookings, cancel; series; waitlist: against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BookingFlowTests(GatewayFixture fixture)
{
    [Fact]
    public async Task PendingBooking_IsApproved_CheckedIn_AndCheckedOut()
    {
        // The silo's "now" is 2026-11-30 00:00 UTC: this booking starts five minutes later, so check-in is open.
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr", "requiresApproval=true", "slotMinutes=5", "minMinutes=5");
        using var alice = await Scenario.SignedIn(fixture, "alice");
        using var wei = await Scenario.SignedIn(fixture, "wei");

        var booked = await alice.Ok("book", instrument, "--team", "tnu-catalysis", "--start", "2026-11-30T00:05:00Z", "--end", "2026-11-30T01:05:00Z", "--purpose", "HSQC");
        Assert.Contains("Booked, pending approval by the lab.", booked, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 08:05 - 09:05 +08:00 (Asia/Shanghai)", booked, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 05:05 - 06:05 +05:00 (Asia/Dushanbe)", booked, StringComparison.Ordinal);
        var id = (await alice.Json("bookings", "--mine", "--instrument", instrument)).GetProperty("items")[0].GetProperty("id").GetString()!;

        var approved = await wei.Ok("approve", "--pending", "--instrument", instrument);
        Assert.Contains("Approved 1 of 1.", approved, StringComparison.Ordinal);
        Assert.Contains(id, approved, StringComparison.Ordinal);
        Assert.Contains("No pending bookings.", await wei.Ok("approve", "--pending", "--instrument", instrument), StringComparison.Ordinal);

        Assert.Matches(@"(?m)^status\s+checked-in$", await alice.Ok("check-in", id));
        Assert.Matches(@"(?m)^status\s+completed$", await alice.Ok("check-out", id));
        Assert.Equal(ExitCodes.Conflict, (await alice.Run("cancel", id)).Exit);
    }

    [Fact]
    public async Task Cancel_FreesTheTime_AndConflictsAreExitSix()
    {
        var instrument = await Scenario.NewInstrument(fixture);
        using var alice = await Scenario.SignedIn(fixture, "alice");
        string[] book = ["book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-18T09:00", "--local-end", "2026-12-18T11:00"];
        var id = (await alice.Json(book)).GetProperty("id").GetString()!;

        var again = await alice.Run(book);
        Assert.Equal(ExitCodes.Conflict, again.Exit);
        Assert.Contains("booking.conflict", again.Err, StringComparison.Ordinal);

        await alice.Ok("cancel", id, "--reason", "sample not ready");
        Assert.Matches(@"(?m)^status\s+cancelled$", await alice.Ok("booking", id));
        await alice.Ok(book);
    }

    [Fact]
    public async Task Series_IsBookedWhole_Shown_AndCancelled()
    {
        var instrument = await Scenario.NewInstrument(fixture);
        using var alice = await Scenario.SignedIn(fixture, "alice");
        string[] create = ["series", "create", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-22T09:00", "--local-end", "2026-12-22T10:00", "--rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"];

        var series = await alice.Json(create);
        var seriesId = series.GetProperty("seriesId").GetString()!;
        Assert.Equal(3, series.GetProperty("items").GetArrayLength());
        Assert.Equal("2027-01-05T09:00:00+08:00", series.GetProperty("items")[2].GetProperty("lab").GetProperty("start").GetString());

        var clash = await alice.Run(create);
        Assert.Equal(ExitCodes.Conflict, clash.Exit);

        Assert.Contains($"Series {seriesId}: 3 bookings.", await alice.Ok("series", "show", seriesId), StringComparison.Ordinal);
        var cancelled = await alice.Json("series", "cancel", seriesId, "--reason", "project ended");
        Assert.All(cancelled.GetProperty("items").EnumerateArray(), b => Assert.Equal("cancelled", b.GetProperty("status").GetString()));
        Assert.Equal(ExitCodes.Validation, (await alice.Run("series", "create", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-22T09:00", "--local-end", "2026-12-22T10:00", "--rrule", "FREQ=HOURLY;COUNT=3")).Exit);
    }

    [Fact]
    public async Task Waitlist_JoinOfferAcceptAndWithdraw()
    {
        var instrument = await Scenario.NewInstrument(fixture);
        using var alice = await Scenario.SignedIn(fixture, "alice");
        using var dana = await Scenario.SignedIn(fixture, "dana");
        using var wei = await Scenario.SignedIn(fixture, "wei");
        var taken = (await alice.Json("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-23T09:00", "--local-end", "2026-12-23T10:00")).GetProperty("id").GetString()!;

        var free = await dana.Run("waitlist", "join", instrument, "--team", "kaznu-nano", "--local-start", "2026-12-23T12:00", "--local-end", "2026-12-23T13:00");
        Assert.Equal(ExitCodes.Refused, free.Exit);
        Assert.Contains("waitlist.time-free", free.Err, StringComparison.Ordinal);

        var entry = (await dana.Json("waitlist", "join", instrument, "--team", "kaznu-nano", "--local-start", "2026-12-23T09:00", "--local-end", "2026-12-23T10:00")).GetProperty("id").GetString()!;
        Assert.Contains(entry, await wei.Ok("waitlist", "list", instrument), StringComparison.Ordinal);

        await alice.Ok("cancel", taken);
        Assert.Contains("offered", await dana.Ok("waitlist", "mine"), StringComparison.Ordinal);
        var accepted = await dana.Json("waitlist", "accept", entry);
        Assert.Equal("kaznu-nano", accepted.GetProperty("teamId").GetString());
        Assert.Equal(accepted.GetProperty("id").GetString(), (await dana.Json("waitlist", "show", entry)).GetProperty("bookingId").GetString());

        var second = (await alice.Json("waitlist", "join", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-23T09:00", "--local-end", "2026-12-23T10:00")).GetProperty("id").GetString()!;
        Assert.Matches(@"(?m)^status\s+withdrawn$", await alice.Ok("waitlist", "withdraw", second));
    }
}
