using System.Text.Json;
using MedGuard.Standards.Tests;

namespace MedGuard.Cli.Tests;

public sealed class StandardsCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("medguard-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void CatalogStatsJsonHasTheDocumentedShape()
    {
        var run = CliRun.Of("catalog", "stats", "--level", "3", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("level").GetInt32());
        Assert.Equal(211, root.GetProperty("items").GetInt32());
        Assert.Equal(71, root.GetProperty("controlPoints").GetInt32());
        var first = root.GetProperty("categories")[0];
        Assert.Equal(("安全物理环境", 22, 10), (first.GetProperty("name").GetString(), first.GetProperty("items").GetInt32(), first.GetProperty("controlPoints").GetInt32()));
        Assert.Equal(46, root.GetProperty("extensions").GetProperty("云计算").GetInt32());

        using var level2 = JsonDocument.Parse(CliRun.Of("catalog", "stats", "--level", "2", "--format", "json").Output);
        Assert.Equal((135, 68), (level2.RootElement.GetProperty("items").GetInt32(), level2.RootElement.GetProperty("controlPoints").GetInt32()));
    }

    [Fact]
    public void CatalogListFiltersAndExports()
    {
        using var json = JsonDocument.Parse(CliRun.Of("catalog", "list", "--level", "3", "--category", "安全计算环境", "--format", "json").Output);
        Assert.Equal(34, json.RootElement.GetArrayLength());
        using var cloud = JsonDocument.Parse(CliRun.Of("catalog", "list", "--level", "3", "--extension", "云计算", "--format", "json").Output);
        Assert.Equal(46, cloud.RootElement.GetArrayLength());
        Assert.StartsWith("L3-", cloud.RootElement[0].GetProperty("code").GetString());

        var xlsx = Path.Combine(directory, "list.xlsx");
        var run = CliRun.Of("catalog", "list", "--level", "2", "--format", "xlsx", "--out", xlsx);
        Assert.Equal(0, run.ExitCode);
        var rows = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(135, rows.Count);
        Assert.Equal("L2-PES1-01", rows[0]["单元编号"]);
    }

    [Fact]
    public void CatalogShowNamesTheItemAndUnknownCodesFail()
    {
        var run = CliRun.Of("catalog", "show", "L3-CES1-01");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("身份鉴别", run.Output);
        Assert.Contains("8.1.4.1 a)", run.Output);

        var bad = CliRun.Of("catalog", "show", "L3-CES1-99");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("未知的单元编号 'L3-CES1-99'", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);
    }

    [Fact]
    public void GradeGivesS3A1ForTheIssuesExample()
    {
        var run = CliRun.Of("grade", "--info", "public:serious", "--service", "citizen:general", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(3, json.RootElement.GetProperty("level").GetInt32());
        Assert.Equal("S3A1", json.RootElement.GetProperty("notation").GetString());
        Assert.True(json.RootElement.GetProperty("reasons").GetArrayLength() >= 3);
        Assert.Contains(json.RootElement.GetProperty("nextSteps").EnumerateArray(), s => s.GetProperty("name").GetString() == "公安机关备案");
    }

    [Theory]
    [InlineData("--info", "public", "客体:程度")]
    [InlineData("--info", "public:awful", "未知的侵害程度")]
    [InlineData("--type", "device", "单一设备")]
    [InlineData("--matrix", "1999", "未知的定级矩阵版本")]
    public void GradeRejectsBadInputClearly(string option, string value, string message)
    {
        var args = new List<string> { "grade", "--info", "public:serious", "--service", "citizen:general" };
        var i = args.IndexOf(option);
        if (i >= 0)
        {
            args[i + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var run = CliRun.Of([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void AssessNewThenScoreUnderBothTemplates()
    {
        var path = Path.Combine(directory, "a.xlsx");
        Assert.Equal(0, CliRun.Of("assess", "new", "--level", "3", "--out", path).ExitCode);
        // 190 of 211 conforming and one partial: (190 + 0.5) / 211 = 90.28 %.
        WorkbookFiller.Fill(path, (row, _) => row <= 191 ? ("符合", "核查通过", null, null, null) : row == 192 ? ("部分符合", "部分", "中", null, null) : ("不符合", "缺失", "低", null, "否"));

        var s2025 = CliRun.Of("assess", "score", path, "--format", "json");
        Assert.Equal(0, s2025.ExitCode);
        using var j2025 = JsonDocument.Parse(s2025.Output);
        Assert.Equal("符合", j2025.RootElement.GetProperty("conclusion").GetString());
        Assert.Equal(21, j2025.RootElement.GetProperty("rectification").GetArrayLength()); // 1 partial + 20 non-conforming
        Assert.Equal(10, j2025.RootElement.GetProperty("categories").GetArrayLength());
        var fix = j2025.RootElement.GetProperty("rectification")[0];
        Assert.False(string.IsNullOrEmpty(fix.GetProperty("category").GetString()));
        Assert.False(string.IsNullOrEmpty(fix.GetProperty("controlPoint").GetString()));

        using var j2021 = JsonDocument.Parse(CliRun.Of("assess", "score", path, "--template", "2021", "--format", "json").Output);
        Assert.Equal("良", j2021.RootElement.GetProperty("conclusion").GetString()); // ≥ 90 but a medium risk
        Assert.True(j2021.RootElement.GetProperty("score").GetDouble() > 90);

        var table = CliRun.Of("assess", "score", path);
        Assert.Contains("整改清单", table.Output);
        Assert.Contains("符合率", table.Output);
    }

    [Fact]
    public void AssessScoreOnABadWorkbookExitsNonZeroNamingTheRow()
    {
        var path = Path.Combine(directory, "b.xlsx");
        Assert.Equal(0, CliRun.Of("assess", "new", "--level", "2", "--out", path).ExitCode);
        WorkbookFiller.Fill(path, (row, _) => (row == 3 ? "OK" : "符合", null, null, null, null));
        var run = CliRun.Of("assess", "score", path);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("第 3 行", run.Error);
        Assert.Equal("", run.Output);

        var corrupt = Path.Combine(directory, "c.xlsx");
        File.WriteAllText(corrupt, "not a workbook");
        var bad = CliRun.Of("assess", "score", corrupt);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("不是有效的 xlsx", bad.Error);
    }

    [Fact]
    public void AssessNewRefusesBadArgumentsAndWritesNothing()
    {
        var path = Path.Combine(directory, "x.xlsx");
        Assert.Equal(2, CliRun.Of("assess", "new", "--level", "5", "--out", path).ExitCode);
        Assert.Equal(2, CliRun.Of("assess", "new", "--level", "3", "--extension", "区块链", "--out", path).ExitCode);
        Assert.Equal(2, CliRun.Of("assess", "new", "--level", "3", "--out", Path.Combine(directory, "x.csv")).ExitCode);
        Assert.False(File.Exists(path));
    }
}
