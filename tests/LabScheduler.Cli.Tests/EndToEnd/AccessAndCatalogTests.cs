using System.Net.Http.Json;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>login, whoami, logout; labs, instruments, instrument; against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AccessAndCatalogTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Login_Whoami_Logout_InDemoMode()
    {
        using var shell = fixture.NewShell();

        Assert.Contains("Signed in to http://localhost as alice", await shell.Ok("login", "alice"), StringComparison.Ordinal);
        var me = await shell.Ok("whoami");
        Assert.Matches(@"(?m)^teams\s+tnu-catalysis, kaznu-nano$", me);
        Assert.Matches(@"(?m)^manages labs\s+dushanbe-materials$", me);
        await shell.Ok("logout");
        var after = await shell.Run("whoami");
        Assert.Equal(ExitCodes.Auth, after.Exit);
        Assert.Contains("auth.unauthenticated", after.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginTokenDash_TakesAnAccessTokenFromStdin()
    {
        using var http = fixture.Gateway.CreateClient();
        var issued = await (await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "wei" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        using var shell = fixture.NewShell();

        var login = await shell.RunWithInput(issued.GetProperty("accessToken").GetString() + "\n", "login", "--token", "-");

        Assert.Equal(ExitCodes.Ok, login.Exit);
        Assert.Contains("as wei", login.Out, StringComparison.Ordinal);
        Assert.Equal("wei", (await shell.Json("whoami")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Catalog_ListsEveryLabAndFiltersInstruments()
    {
        using var shell = await Scenario.SignedIn(fixture, "priya");

        var labs = await shell.Ok("labs");
        foreach (var zone in new[] { "Asia/Shanghai", "Asia/Dushanbe", "Asia/Novosibirsk", "Asia/Almaty", "Asia/Kolkata", "Asia/Tehran", "Europe/Minsk" })
        {
            Assert.Contains(zone, labs, StringComparison.Ordinal);
        }

        var nmr = await shell.Json("instruments", "--category", "nmr", "--member-state", "IN");
        Assert.Contains(nmr.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == "delhi-nmr-800");
        Assert.All(nmr.GetProperty("items").EnumerateArray(), i => Assert.Equal("IN", i.GetProperty("memberState").GetString()));
        Assert.Matches(@"(?m)^time zone\s+Asia/Novosibirsk$", await shell.Ok("instrument", "novosibirsk-krios"));
        Assert.Equal(ExitCodes.NotFound, (await shell.Run("instrument", "no-such-thing")).Exit);
    }
}
