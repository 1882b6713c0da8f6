using System.Text;

namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>import of a Russian Excel CSV (windows-1251, ';') into the real gateway, and a safe re-run.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ImportEndToEndTests(GatewayFixture fixture)
{
    static ImportEndToEndTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public async Task RussianExcelCsv_CreatesTheUsers_AndARerunCreatesNothingTwice()
    {
        using var admin = await Scenario.SignedIn(fixture, "admin");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var csv = "id;displayName;email;timeZone;memberState;roles\r\n"
            + $"smirnova-{suffix};Смирнова Ольга Петровна;o.smirnova@nsu.example;Asia/Novosibirsk;RU;\r\n"
            + $"kuznetsov-{suffix};Кузнецов Игорь;i.kuznetsov@nsu.example;Asia/Novosibirsk;RU;\r\n";
        var file = admin.File("users.csv", Encoding.GetEncoding("windows-1251").GetBytes(csv));

        var first = await admin.Ok("import", file, "--kind", "users", "--encoding", "windows-1251");
        var again = await admin.Ok("import", file, "--kind", "users", "--encoding", "windows-1251");

        Assert.Contains("users: 2 rows: 2 created.", first, StringComparison.Ordinal);
        Assert.DoesNotContain("created", again, StringComparison.Ordinal);
        using var http = fixture.Gateway.CreateClient();
        var token = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(admin.Home, "credentials.json"))).RootElement.GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var user = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"/api/v1/users/smirnova-{suffix}")).RootElement;
        Assert.Equal("Смирнова Ольга Петровна", user.GetProperty("displayName").GetString());

        var asUtf8 = await admin.Run("import", file, "--kind", "users");
        Assert.Equal(ExitCodes.Usage, asUtf8.Exit);
        Assert.Contains("line 2:", asUtf8.Err, StringComparison.Ordinal);
    }
}
