namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>instrument create | rules | status, training grant | list | revoke, against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class InstrumentManagementTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Manager_ChangesRulesAndStatus_AndBookingsFollow()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr", "slotMinutes=30", "requiresApproval=false");
        using var wei = await Scenario.SignedIn(fixture, "wei");
        using var alice = await Scenario.SignedIn(fixture, "alice");

        var changed = await wei.Json("instrument", "rules", instrument, "--set", "capacity=2", "--set", "bufferMinutes=15", "--set", "shares={\"CN\":60,\"*\":40}");
        Assert.Equal(2, changed.GetProperty("rules").GetProperty("capacity").GetInt32());
        Assert.Equal(60, changed.GetProperty("rules").GetProperty("shares").GetProperty("CN").GetInt32());

        await wei.Ok("instrument", "status", instrument, "maintenance");
        var refused = await alice.Run("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-14T09:00", "--local-end", "2026-12-14T10:00");
        Assert.Equal(ExitCodes.Refused, refused.Exit);
        Assert.Contains("booking.instrument-unavailable", refused.Err, StringComparison.Ordinal);

        await wei.Ok("instrument", "status", instrument, "active");
        await alice.Ok("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-14T09:00", "--local-end", "2026-12-14T10:00");

        // alice manages another lab, not this one.
        Assert.Equal(ExitCodes.Auth, (await alice.Run("instrument", "status", instrument, "retired")).Exit);
    }

    [Fact]
    public async Task Training_SignOffs_DecideWhoMayBook()
    {
        var instrument = await Scenario.NewInstrument(fixture, "xian-nmr", "requiresAuthorization=true");
        using var wei = await Scenario.SignedIn(fixture, "wei");
        using var alice = await Scenario.SignedIn(fixture, "alice");
        string[] book = ["book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-15T09:00", "--local-end", "2026-12-15T10:00"];

        var untrained = await alice.Run(book);
        Assert.Equal(ExitCodes.Auth, untrained.Exit);
        Assert.Contains("auth.not-authorized-on-instrument", untrained.Err, StringComparison.Ordinal);

        Assert.Contains("alice may book", await wei.Ok("training", "grant", instrument, "alice", "dana"), StringComparison.Ordinal);
        Assert.Matches(@"(?m)^alice$", await wei.Ok("training", "list", instrument));
        await alice.Ok(book);

        await wei.Ok("training", "revoke", instrument, "alice");
        Assert.DoesNotMatch(@"(?m)^alice$", await wei.Ok("training", "list", instrument));
    }
}
