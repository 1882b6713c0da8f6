namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>Helpers the end-to-end tests share: signed-in shells, and fresh instruments made through labsched itself.</summary>
internal static class Scenario
{
    public static async Task<Shell> SignedIn(GatewayFixture fixture, string user)
    {
        var shell = fixture.NewShell();
        await shell.Ok("login", user);
        return shell;
    }

    /// <summary>A new instrument in the lab, open 24/7, created by the admin with <c>instrument create</c>.</summary>
    public static async Task<string> NewInstrument(GatewayFixture fixture, string lab = "xian-nmr", params string[] rules)
    {
        var id = $"e2e-{Guid.NewGuid():N}"[..16];
        using var admin = await SignedIn(fixture, "admin");
        await admin.Ok([
            "instrument", "create", lab, id, "--name", "Test NMR", "--category", "nmr", "--currency", "CNY",
            "--rate-internal", "100", "--rate-partner", "150", "--rate-external", "200", .. rules.SelectMany(r => new[] { "--rule", r })]);
        return id;
    }
}
