using System.Text.RegularExpressions;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Tests;

/// <summary>
/// Tables line up by display width (a CJK character takes two terminal cells, a Persian letter one,
/// a zero-width joiner none); plain text in pipes, Spectre.Console's drawing on a terminal, no colour
/// with NO_COLOR.
/// </summary>
public sealed partial class DisplayTests : IDisposable
{
    private const string Lab = """{"id":"xian-lab","name":"西安交通大学联合实验室","hostInstitution":"西安交通大学","memberState":"CN","timeZone":"Asia/Shanghai","partnerStates":[],"managers":["wang"],"instruments":[]}""";
    private const string Lab2 = """{"id":"tehran-lab","name":"آزمایشگاه مشترک تهران","hostInstitution":"دانشگاه تهران","memberState":"IR","timeZone":"Asia/Tehran","partnerStates":[],"managers":["reza"],"instruments":[]}""";
    private const string Lab3 = """{"id":"minsk-lab","name":"Minsk Lab","hostInstitution":"BSU","memberState":"BY","timeZone":"Europe/Minsk","partnerStates":[],"managers":["ivan"],"instruments":[]}""";

    private readonly CliHarness _cli = new();

    [Theory]
    [InlineData("abc", 3)]
    [InlineData("王伟", 4)]
    [InlineData("西安交通大学", 12)]
    [InlineData("رضا احمدی", 9)]
    [InlineData("می\u200cخواهم", 7)]
    [InlineData("Смирнова", 8)]
    public void Width_CountsTerminalCells(string text, int cells) => Assert.Equal(cells, Table.Width(text));

    [Fact]
    public async Task PlainTable_AlignsColumnsByDisplayWidth()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Lab, Lab2, Lab3)));

        var result = await _cli.RunAsync("labs");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The STATE column (CN, IR, BY) starts at the same terminal cell on every line.
        var columns = lines.Skip(1).Select(line => Table.Width(line[..(StateCode().Match(line).Index + 1)])).ToList();
        Assert.Equal(3, columns.Count);
        Assert.Single(columns.Distinct());
        Assert.Equal(Table.Width(lines[0][..lines[0].IndexOf("STATE", StringComparison.Ordinal)]), columns[0]);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('│', result.Out);
    }

    [Fact]
    public async Task Terminal_DrawsATable_WithColourUnlessNoColor()
    {
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Lab, Lab2)));

        var coloured = await _cli.RunOnAsync(null, outIsTerminal: true, errIsTerminal: true, "labs");
        _cli.Environment["NO_COLOR"] = "1";
        var plain = await _cli.RunOnAsync(null, outIsTerminal: true, errIsTerminal: true, "labs");

        Assert.Equal(ExitCodes.Ok, coloured.Exit);
        Assert.Contains('╭', coloured.Out);
        Assert.Contains("\u001b[", coloured.Out, StringComparison.Ordinal);
        Assert.Contains('╭', plain.Out);
        Assert.Contains("西安交通大学联合实验室", plain.Out, StringComparison.Ordinal);
        Assert.DoesNotMatch(AnsiColour(), plain.Out);
    }

    [Fact]
    public async Task Terminal_TableRows_HaveTheSameWidth()
    {
        _cli.Environment["NO_COLOR"] = "1";
        _cli.Server.On(HttpMethod.Get, "labs", FakeApi.Answer.Ok(Samples.Page(null, Lab, Lab2, Lab3)));

        var result = await _cli.RunOnAsync(null, outIsTerminal: true, errIsTerminal: false, "labs");

        var rows = result.Out.Split('\n').Select(l => Ansi().Replace(l, "").TrimEnd('\r')).Where(l => l.StartsWith('│') || l.StartsWith('╭') || l.StartsWith('╰')).ToList();
        Assert.True(rows.Count >= 5, result.Out);
        Assert.Single(rows.Select(Table.Width).Distinct());
    }

    [Fact]
    public async Task Import_ShowsProgressOnStderr_OnlyWhenItIsATerminal()
    {
        _cli.Server.On(HttpMethod.Post, "users", request => FakeApi.Answer.Json(201, request.Body!));
        var file = _cli.File("users.csv", "id,displayName\na,A\nb,B\nc,C\n");

        var piped = await _cli.RunOnAsync(null, outIsTerminal: false, errIsTerminal: false, "import", file, "--kind", "users");
        var terminal = await _cli.RunOnAsync(null, outIsTerminal: false, errIsTerminal: true, "import", file, "--kind", "users");

        Assert.Equal(ExitCodes.Ok, piped.Exit);
        Assert.Equal("", piped.Err);
        Assert.Equal(ExitCodes.Ok, terminal.Exit);
        Assert.Contains("importing users", terminal.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', terminal.Out);
        Assert.Equal(piped.Out, terminal.Out);
    }

    [GeneratedRegex(@"(?m)\s(CN|IR|BY)\s")]
    private static partial Regex StateCode();

    // SGR sequences that set a colour (30-37, 90-97, 38;...), as opposed to bold or reset.
    [GeneratedRegex(@"\u001b\[[0-9;]*(3[0-8]|9[0-7])[0-9;]*m")]
    private static partial Regex AnsiColour();

    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();

    public void Dispose() => _cli.Dispose();
}
