using System.Text;

namespace LabScheduler.Cli.Tests;

/// <summary>
/// import reads spreadsheets as Excel saves them: UTF-8 strictly, GB18030 (Chinese Excel) and
/// Windows-1251 (Russian Excel, with ';' separators and decimal commas) when told; a byte that is not
/// of the encoding stops the import before anything is sent, naming its line.
/// </summary>
public sealed class CsvEncodingTests : IDisposable
{
    private readonly CliHarness _cli = new();

    static CsvEncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Windows1251(string text) => Encoding.GetEncoding("windows-1251").GetBytes(text);

    private static byte[] Gb18030(string text) => Encoding.GetEncoding("gb18030").GetBytes(text);

    private void EchoUsers() => _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));

    [Fact]
    public async Task Windows1251_WithSemicolons_AsRussianExcelSavesIt_ReadsTheNames()
    {
        EchoUsers();
        var file = _cli.File("users.csv", Windows1251(
            "id;displayName;email;timeZone;memberState;roles\r\n"
            + "olga-s;\"Смирнова; Ольга\";olga@nsu.ru;Asia/Novosibirsk;RU;\r\n"
            + "ivan-p;Иван Петров;ivan@bsu.by;Europe/Minsk;BY;\"admin;manager\"\r\n"));

        var result = await _cli.RunAsync("import", file, "--kind", "users", "--encoding", "windows-1251");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("Смирнова; Ольга", (string?)_cli.Server.Requests[0].Json["displayName"]);
        Assert.Equal("Иван Петров", (string?)_cli.Server.Requests[1].Json["displayName"]);
        Assert.Equal(["admin", "manager"], _cli.Server.Requests[1].Json["roles"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public async Task Semicolons_WithDecimalCommas_BecomeNumbers()
    {
        _cli.Server.On(HttpMethod.Post, "labs/nsk-lab/instruments", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("instruments.csv", Windows1251(
            "labId;id;name;category;currency;rateInternal;ratePartner;rateExternal\r\n"
            + "nsk-lab;nsk-nmr;ЯМР 500 МГц;nmr;RUB;1200,50;1800;2400,75\r\n"));

        var result = await _cli.RunAsync("import", file, "--kind", "instruments", "--encoding", "windows-1251");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var body = _cli.Server.Requests.Single().Json;
        Assert.Equal("ЯМР 500 МГц", (string?)body["name"]);
        Assert.Equal(1200.50m, (decimal)body["rates"]!["internal"]!);
        Assert.Equal(2400.75m, (decimal)body["rates"]!["external"]!);
    }

    [Fact]
    public async Task Gb18030_ReadsChineseNames()
    {
        EchoUsers();
        var file = _cli.File("users.csv", Gb18030("id,displayName,email,timeZone,memberState\r\nwang-wei,王伟,wang@xjtu.edu.cn,Asia/Shanghai,CN\r\n"));

        var result = await _cli.RunAsync("import", file, "--kind", "users", "--encoding", "gb18030");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("王伟", (string?)_cli.Server.Requests.Single().Json["displayName"]);
    }

    [Fact]
    public async Task Utf8_IsTheDefault_WithOrWithoutAByteOrderMark()
    {
        EchoUsers();
        var file = _cli.File("users.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("id,displayName,email,timeZone,memberState\nreza,رضا احمدی,reza@ut.ac.ir,Asia/Tehran,IR\n")]);

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal("reza", (string?)_cli.Server.Requests.Single().Json["id"]);
        Assert.Equal("رضا احمدی", (string?)_cli.Server.Requests.Single().Json["displayName"]);
    }

    [Fact]
    public async Task Windows1251Bytes_ReadAsUtf8_StopBeforeAnythingIsSent_NamingTheLine()
    {
        EchoUsers();
        var file = _cli.File("users.csv", [
            .. Encoding.UTF8.GetBytes("id,displayName,email,timeZone,memberState\nalice,Alice,a@x.org,Asia/Dushanbe,TJ\n"),
            .. Windows1251("olga,Ольга,o@x.org,Asia/Novosibirsk,RU\n"),
        ]);

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("line 3:", result.Err, StringComparison.Ordinal);
        Assert.Contains("is not UTF-8", result.Err, StringComparison.Ordinal);
        Assert.Contains("--encoding windows-1251", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', result.Err + result.Out);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task InvalidGb18030_NamesTheLine()
    {
        EchoUsers();
        // 0x81 opens a two- or four-byte GB18030 character; 0x81 0x20 is neither.
        var file = _cli.File("users.csv", [.. Gb18030("id,displayName\nwang,王伟\nli,"), 0x81, 0x20, (byte)'\n']);

        var result = await _cli.RunAsync("import", file, "--kind", "users", "--encoding", "gb18030");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("line 3:", result.Err, StringComparison.Ordinal);
        Assert.Contains("gb18030", result.Err, StringComparison.Ordinal);
        Assert.Empty(_cli.Server.Requests);
    }

    [Fact]
    public async Task UnknownEncoding_IsAUsageError()
    {
        var result = await _cli.RunAsync("import", _cli.File("users.csv", "id\nx\n"), "--kind", "users", "--encoding", "koi8-r");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Empty(_cli.Server.Requests);
    }

    [Theory]
    [InlineData(";", "id;displayName\na;Alpha\nb;Beta\n")]
    [InlineData("tab", "id\tdisplayName\na\tAlpha\nb\tBeta\n")]
    [InlineData(",", "id,displayName\na,Alpha\nb,Beta\n")]
    public async Task Delimiter_GivenOrDetected_SplitsTheFields(string delimiter, string csv)
    {
        foreach (var given in new[] { true, false })
        {
            var cli = new CliHarness();
            cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));
            string[] args = given ? ["import", cli.File("users.csv", csv), "--kind", "users", "--delimiter", delimiter] : ["import", cli.File("users.csv", csv), "--kind", "users"];

            var result = await cli.RunAsync(args);

            Assert.Equal(ExitCodes.Ok, result.Exit);
            Assert.Equal(["Alpha", "Beta"], cli.Server.Requests.Select(r => (string?)r.Json["displayName"]));
            cli.Dispose();
        }
    }

    [Fact]
    public async Task RecordsAfterAQuotedLineBreak_KeepTheirOwnLineNumbers()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => (string?)request.Json["id"] == "c"
            ? FakeApi.Answer.Problem(400, "validation", "bad e-mail")
            : FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("users.csv", "id;displayName\na;\"two\nlines\"\n\nb;B\nc;C\n");

        var result = await _cli.RunAsync("import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Validation, result.Exit);
        Assert.Contains("error: line 6 (c): validation", result.Err, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
