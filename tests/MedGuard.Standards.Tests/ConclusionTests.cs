using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Catalog;

namespace MedGuard.Standards.Tests;

/// <summary>Boundaries of both conclusion templates: exactly 90 %, exactly 60 %, a 重大风险隐患.</summary>
public class ConclusionTests
{
    private static readonly ConclusionPolicy Policy = ConclusionPolicy.Default;

    /// <summary>Level-3 items (the first <paramref name="total"/>) with <paramref name="conforming"/> 符合 and the rest 不符合.</summary>
    private static List<AssessedItem> Items(int total, int conforming, Severity risk = Severity.Low, int partial = 0, int notApplicable = 0)
    {
        var catalog = CatalogLoader.Default.ForAssessment(3, []);
        return catalog.Take(total).Select((item, i) =>
            i < conforming ? new AssessedItem(item, ItemResultValue.Conforming)
            : i < conforming + partial ? new AssessedItem(item, ItemResultValue.PartiallyConforming, Risk: risk)
            : i < conforming + partial + notApplicable ? new AssessedItem(item, ItemResultValue.NotApplicable)
            : new AssessedItem(item, ItemResultValue.NonConforming, Risk: risk)).ToList();
    }

    [Theory]
    [InlineData(100, 100, "符合")]
    [InlineData(100, 91, "符合")]
    [InlineData(100, 90, "基本符合")] // exactly 90 % does not exceed 90 %
    [InlineData(100, 60, "基本符合")] // exactly 60 % is still 基本符合
    [InlineData(100, 59, "不符合")]
    [InlineData(200, 181, "符合")]  // 90.5 %
    public void Template2025ByConformityRate(int total, int conforming, string expected)
    {
        var result = Policy.Conclude(3, Items(total, conforming), ConclusionTemplate.Template2025);
        Assert.Equal(expected, result.Conclusion);
        Assert.Equal(100.0 * conforming / total, result.ConformityRate, 2);
    }

    [Fact]
    public void AMajorHazardMakesTheObjectNonConformingWhateverTheRate()
    {
        var items = Items(100, 99);
        items[^1] = items[^1] with { MajorHazard = true, Risk = Severity.High };
        var result = Policy.Conclude(3, items, ConclusionTemplate.Template2025);
        Assert.Equal(("不符合", 1), (result.Conclusion, result.MajorHazards));
        Assert.Contains("重大风险隐患", result.Reasons[0]);
    }

    [Fact]
    public void PartialCountsHalfAndNotApplicableIsLeftOut()
    {
        // 80 符合 + 20 部分符合 over 100 applicable = 90 %; 10 不适用 change nothing.
        var items = Items(110, 80, partial: 20, notApplicable: 10);
        Assert.Equal(90.0, Policy.ConformityRate(items), 6);
        var result = Policy.Conclude(3, items, ConclusionTemplate.Template2025);
        Assert.Equal("基本符合", result.Conclusion);
        Assert.Equal(20, result.Rectification.Count);
        Assert.All(result.Rectification, i => Assert.NotEqual(ItemResultValue.Conforming, i.Result));
    }

    [Theory]
    [InlineData(100, 90, Severity.Low, "优")]
    [InlineData(100, 90, Severity.Medium, "良")]  // ≥ 90 but a medium risk: not 优
    [InlineData(100, 89, Severity.Low, "良")]
    [InlineData(100, 80, Severity.Medium, "良")]
    [InlineData(100, 79, Severity.Low, "中")]
    [InlineData(100, 70, Severity.Medium, "中")]
    [InlineData(100, 69, Severity.Low, "差")]
    [InlineData(100, 95, Severity.High, "差")]   // any high risk
    public void Template2021ByScoreAndWorstRisk(int total, int conforming, Severity risk, string expected)
    {
        var result = Policy.Conclude(3, Items(total, conforming, risk), ConclusionTemplate.Template2021);
        Assert.Equal(expected, result.Conclusion);
        Assert.Equal(100.0 * conforming / total, result.ComprehensiveScore!.Value, 2);
    }

    [Fact]
    public void ImportanceWeightsTheComprehensiveScore()
    {
        var items = Items(2, 1);
        items[1] = items[1] with { Importance = "一般" }; // the failed item weighs 0.4
        Assert.Equal(100.0 * 1.0 / 1.4, Policy.ComprehensiveScore(items), 6);
        Assert.Equal(50.0, Policy.ConformityRate(items), 6);
    }

    [Fact]
    public void PerCategoryRatesAreReported()
    {
        var result = Policy.Conclude(3, Items(30, 22), ConclusionTemplate.Template2025);
        var physical = result.Categories.Single(c => c.Category == "安全物理环境");
        Assert.Equal((22, 22, 100.0), (physical.Items, physical.Conforming, physical.Rate));
        var network = result.Categories.Single(c => c.Category == "安全通信网络");
        Assert.Equal((8, 0, 0.0), (network.Items, network.Conforming, network.Rate));
    }

    [Fact]
    public void UnknownTemplateIsAClearError() =>
        Assert.Contains("2025 或 2021", Assert.Throws<FormatException>(() => ConclusionPolicy.ParseTemplate("2019")).Message);
}
