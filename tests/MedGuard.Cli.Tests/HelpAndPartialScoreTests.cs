using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedGuard.Cli.Commands;
using MedGuard.Standards.Tests;

namespace MedGuard.Cli.Tests;

/// <summary>
/// What a person sees at the terminal: every command's --help in Chinese, and <c>assess score</c> on a workbook that is
/// still being filled says how far it is and offers <c>--partial</c>, instead of failing on the first empty row.
/// </summary>
public sealed partial class HelpAndPartialScoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-cli-help-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    [Fact]
    public void EveryCommandOptionAndArgumentIsDescribedInChinese()
    {
        var root = Program.BuildRoot();
        CliInvocation.DescribeBuiltInOptions(root);
        var english = new List<string>();
        void Walk(Command command, string path)
        {
            Check(path, command.Description);
            foreach (var option in command.Options.Where(o => !o.Hidden))
            {
                Check($"{path} {option.Name}", option.Description);
            }

            foreach (var argument in command.Arguments.Where(a => !a.Hidden))
            {
                Check($"{path} <{argument.Name}>", argument.Description);
            }

            foreach (var sub in command.Subcommands)
            {
                Walk(sub, $"{path} {sub.Name}");
            }
        }

        void Check(string what, string? description)
        {
            if (description is null || !Chinese().IsMatch(description))
            {
                english.Add($"{what}: {description}");
            }
        }

        Walk(root, "medguard");
        Assert.True(english.Count == 0, "没有中文说明：\n" + string.Join("\n", english));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("assess", "score", "--help")]
    [InlineData("scan", "ports", "--help")]
    public void HelpPrintsChineseDescriptionsForBuiltInOptionsToo(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("显示帮助和用法", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Show help and usage information", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(": table | json", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreOnAnUnfilledWorkbookCountsTheRowsAndOffersPartial()
    {
        var path = Path.Combine(directory, "empty.xlsx");
        Assert.Equal(0, CliRun.Of("assess", "new", "--level", "3", "--out", path).ExitCode);

        var run = CliRun.Of("assess", "score", path);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("211 项中有 211 行的'测评结果'未填写", run.Error, StringComparison.Ordinal);
        Assert.Contains("--partial", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);

        // Nothing filled: even --partial has nothing to score, and says so.
        var none = CliRun.Of("assess", "score", path, "--partial");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("都未填写", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialScoresOnlyTheFilledRowsAndSaysSo()
    {
        var path = Path.Combine(directory, "half.xlsx");
        Assert.Equal(0, CliRun.Of("assess", "new", "--level", "3", "--out", path).ExitCode);
        // Rows 2–11 filled (9 符合, 1 不符合), the other 201 still empty.
        WorkbookFiller.Fill(path, (row, _) => row switch
        {
            <= 10 => ("符合", "核查通过", null, null, null),
            11 => ("不符合", "未启用", "中", null, "否"),
            _ => (null, null, null, null, null),
        });

        var refused = CliRun.Of("assess", "score", path);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("有 201 行", refused.Error, StringComparison.Ordinal);
        Assert.Contains("已填写 10 行", refused.Error, StringComparison.Ordinal);

        var json = CliRun.Of("assess", "score", path, "--partial", "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.True(doc.RootElement.GetProperty("partial").GetBoolean());
        Assert.Equal(201, doc.RootElement.GetProperty("unfilled").GetInt32());
        Assert.Equal(10, doc.RootElement.GetProperty("items").GetInt32());
        Assert.Equal(90, doc.RootElement.GetProperty("conformityRate").GetDouble(), 2);
        Assert.Equal(1, doc.RootElement.GetProperty("rectification").GetArrayLength());

        var table = CliRun.Of("assess", "score", path, "--partial");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("部分评分：仅 10 / 211 项已填写", table.Output, StringComparison.Ordinal);
        Assert.Contains("不是测评结论", table.Output, StringComparison.Ordinal);
    }
}
