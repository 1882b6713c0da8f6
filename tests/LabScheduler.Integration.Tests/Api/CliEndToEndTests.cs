using System.Net;
using System.Text.Json;


namespace LabScheduler.Integration.Tests.Api;

/// <summary>labsched against the real gateway (in-process) and silo: the README's session, and its exit codes.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliEndToEndTests(ApiFixture api) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("labsched-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = _home,
            ["LABSCHED_CONFIG"] = Path.Combine(_home, "credentials.json"),
            ["LABSCHED_API"] = "http://localhost",
        };
        var exit = await LabScheduler.Cli.Cli.RunAsync(args, api.Gateway.Server.CreateHandler(), stdout, stderr, environment);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Session_SignInFindFreeTimeBookListCancel()
    {
        var instrument = await BookingApiTests.NewInstrument(api);

        Assert.Equal(0, (await Run("login", "alice")).Exit);
        var free = await Run("free", instrument, "--from", "2026-12-12", "--to", "2026-12-13", "--tz", "Asia/Dushanbe");
        Assert.Equal(0, free.Exit);
        Assert.Contains("+05:00", free.Out, StringComparison.Ordinal);

        var booked = await Run("--json", "book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-12T09:00", "--local-end", "2026-12-12T11:00");
        Assert.Equal(0, booked.Exit);
        var id = JsonDocument.Parse(booked.Out).RootElement.GetProperty("id").GetString()!;

        var again = await Run("book", instrument, "--team", "tnu-catalysis", "--local-start", "2026-12-12T10:00", "--local-end", "2026-12-12T12:00");
        Assert.Equal(6, again.Exit);
        Assert.Contains("booking.conflict", again.Err, StringComparison.Ordinal);

        var mine = await Run("--json", "bookings", "--mine", "--instrument", instrument);
        Assert.Equal(0, mine.Exit);
        Assert.Contains(id, mine.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await Run("cancel", id, "--reason", "sample not ready")).Exit);
        using var alice = await api.As("alice");
        Assert.Equal("cancelled", (await (await alice.GetAsync($"/api/v1/bookings/{id}")).Expect(HttpStatusCode.OK)).Str("status"));

        Assert.Equal(7, (await Run("book", instrument, "--team", "tnu-catalysis", "--start", "2026-12-12T09:05:00+08:00", "--end", "2026-12-12T10:00:00+08:00")).Exit);
        Assert.Equal(2, (await Run("book", instrument)).Exit);
    }
}
