using MedGuard.Standards.Catalog;
using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.Tests;

/// <summary>A hand-edited catalog file must fail with the file and the line of the problem.</summary>
public class CatalogLoaderTests
{
    private const string Valid = """
        section: general
        categoryCode: PES
        category: 安全物理环境
        confidence: { 1: unsure, 2: secondary, 3: secondary, 4: unsure }
        controlPoints:
          - name: 物理位置选择
            items:
              - levels: [2, 3, 4]
                text: 甲
              - levels: [3, 4]
                text: 乙
          - name: 防火
            items:
              - levels: [1, 2, 3]
                text: 丙
                textByLevel: { 1: 丙一 }
        """;

    [Fact]
    public void DerivesClausesLettersAndCodesPerLevel()
    {
        var catalog = CatalogLoader.Load([("general/PES.yaml", Valid)]);
        Assert.Equal("8.1.1.1 b)", catalog.Find("L3-PES1-02")!.Citation);
        Assert.Equal("丙", catalog.Find("L3-PES1-03")!.Text);
        Assert.Equal("8.1.1.2 a)", catalog.Find("L3-PES1-03")!.Citation);
        // At level 1 the first control point is absent, so 防火 is the first one there.
        Assert.Equal(("6.1.1.1", "丙一"), (catalog.Find("L1-PES1-01")!.Clause, catalog.Find("L1-PES1-01")!.Text));
        Assert.Equal(2, catalog.Statistics(2).Items);
    }

    [Theory]
    [InlineData("text: 甲", "texts: 甲", 9, "未知的键 'texts'")]
    [InlineData("levels: [2, 3, 4]", "levels: [2, 3, 7]", 8, "超出 1–4")]
    [InlineData("category: 安全物理环境", "category: 安全计算环境", 3, "不一致")]
    [InlineData("text: 乙", "text: ''", 11, "非空字符串")]
    [InlineData("  - name: 防火", "  - name: 物理位置选择", 12, "重复")]
    [InlineData("2: secondary, 3: secondary", "2: secondary, 3: maybe", 4, "verified / secondary / unsure")]
    [InlineData("text: 甲", "text: 甲 [unsure]", 9, "可信度标记 [unsure] 应写在注释中")] // texts reach users' pages
    public void RejectsBadDataNamingFileAndLine(string from, string to, int line, string message)
    {
        var text = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Valid, text);
        var ex = Assert.Throws<DataFileException>(() => CatalogLoader.Load([("general/PES.yaml", text)]));
        Assert.Equal("general/PES.yaml", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void RejectsBrokenYamlAndAFileInTheWrongFolder()
    {
        var broken = Assert.Throws<DataFileException>(() => CatalogLoader.Load([("general/PES.yaml", "section: [unclosed")]));
        Assert.Equal("general/PES.yaml", broken.File);
        var misplaced = Assert.Throws<DataFileException>(() => CatalogLoader.Load([("cloud/PES.yaml", Valid)]));
        Assert.Contains("目录", misplaced.Message);
    }

    [Fact]
    public void CodeGapsSkipNumbersLikeGbT28448Does()
    {
        var withGap = Valid.Replace("controlPoints:", "codeGaps: { 3: [2] }\ncontrolPoints:", StringComparison.Ordinal);
        var catalog = CatalogLoader.Load([("general/PES.yaml", withGap)]);
        Assert.Null(catalog.Find("L3-PES1-02"));
        Assert.Equal("乙", catalog.Find("L3-PES1-03")!.Text);
        Assert.Equal("甲", catalog.Find("L2-PES1-01")!.Text);
    }
}
