using System.Text.RegularExpressions;
using MedGuard.Standards.Catalog;

namespace MedGuard.Standards.Tests;

/// <summary>The catalog must match DOMAIN.md §4 — the figures anyone in the field checks first.</summary>
public partial class CatalogCountTests
{
    private static readonly RequirementCatalog Catalog = CatalogLoader.Default;

    // category, L2 items, L3 items, L2 points, L3 points — DOMAIN.md §4 [seed, verified against real workbooks]
    public static TheoryData<string, int, int, int, int> Domain4 => new()
    {
        { "安全物理环境", 15, 22, 10, 10 },
        { "安全通信网络", 4, 8, 3, 3 },
        { "安全区域边界", 11, 20, 6, 6 },
        { "安全计算环境", 23, 34, 10, 11 },
        { "安全管理中心", 4, 12, 2, 4 },
        { "安全管理制度", 6, 7, 4, 4 },
        { "安全管理机构", 9, 14, 5, 5 },
        { "安全管理人员", 7, 12, 4, 4 },
        { "安全建设管理", 25, 34, 10, 10 },
        { "安全运维管理", 31, 48, 14, 14 },
    };

    [Theory]
    [MemberData(nameof(Domain4))]
    public void CategoryCountsMatchDomain(string category, int l2Items, int l3Items, int l2Points, int l3Points)
    {
        var l2 = Catalog.Statistics(2).Categories.Single(c => c.Name == category);
        var l3 = Catalog.Statistics(3).Categories.Single(c => c.Name == category);
        Assert.Equal((l2Items, l2Points), (l2.Items, l2.ControlPoints));
        Assert.Equal((l3Items, l3Points), (l3.Items, l3.ControlPoints));
    }

    [Fact]
    public void TotalsMatchDomain()
    {
        var l2 = Catalog.Statistics(2);
        var l3 = Catalog.Statistics(3);
        Assert.Equal((135, 68), (l2.Items, l2.ControlPoints));
        Assert.Equal((211, 71), (l3.Items, l3.ControlPoints));
        Assert.Equal(10, l3.Categories.Count);
    }

    [Theory]
    [InlineData(CatalogSection.Cloud, 46)]
    [InlineData(CatalogSection.Mobile, 19)]
    [InlineData(CatalogSection.Iot, 20)]
    [InlineData(CatalogSection.Ics, 21)]
    [InlineData(CatalogSection.BigData, 24)]
    public void Level3ExtensionCountsMatchDomain(CatalogSection section, int items) =>
        Assert.Equal(items, Catalog.Statistics(3).Extensions[section]);

    [Fact]
    public void Level2HasNoDataConfidentialityAndOnlyTwoManagementCentrePoints()
    {
        var ces = Catalog.At(2, CatalogSection.General).Where(i => i.Category.Code == "CES").Select(i => i.ControlPoint).Distinct();
        Assert.DoesNotContain("数据保密性", ces);
        var smc = Catalog.At(2, CatalogSection.General).Where(i => i.Category.Code == "SMC").Select(i => i.ControlPoint).Distinct().Order();
        Assert.Equal(["审计管理", "系统管理"], smc);
    }

    [Fact]
    public void EveryItemHasAUniqueWellFormedCodeAndText()
    {
        Assert.Equal(Catalog.Items.Count, Catalog.Items.Select(i => i.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var item in Catalog.Items)
        {
            Assert.Matches(CodePattern(), item.Code);
            Assert.StartsWith($"L{item.Level}-{item.Category.Code}{(int)item.Section}-", item.Code);
            Assert.False(string.IsNullOrWhiteSpace(item.Text), item.Code);
            Assert.False(string.IsNullOrWhiteSpace(item.ControlPoint), item.Code);
            Assert.Same(item, Catalog.Find(item.Code));
        }
    }

    [Fact]
    public void Levels1And4ArePresentAndMarkedUnsure()
    {
        Assert.True(Catalog.Statistics(1).Items > 0);
        Assert.True(Catalog.Statistics(4).Items >= Catalog.Statistics(3).Items);
        Assert.All(Catalog.Items.Where(i => i.Level is 1 or 4), i => Assert.Equal(Confidence.Unsure, i.Confidence));
        Assert.DoesNotContain(Catalog.Items, i => i.Level is 2 or 3 && i.Confidence == Confidence.Verified);
    }

    [Fact]
    public void WellKnownItemsAreWhereAssessorsExpectThem()
    {
        var first = Catalog.Find("L3-CES1-01")!;
        Assert.Equal(("身份鉴别", "8.1.4.1", 'a'), (first.ControlPoint, first.Clause, first.Letter));
        var twoFactor = Catalog.Find("L3-CES1-04")!;
        Assert.Contains("密码技术", twoFactor.Text);
        Assert.Equal("8.1.4.1 d)", twoFactor.Citation);

        // GB/T 28448-2019 leaves L3-CES1-16 unused: 最小安装 is L3-CES1-17 and the category ends at 35.
        Assert.Null(Catalog.Find("L3-CES1-16"));
        Assert.Equal("入侵防范", Catalog.Find("L3-CES1-17")!.ControlPoint);
        Assert.NotNull(Catalog.Find("L3-CES1-35"));
        Assert.Null(Catalog.Find("L3-CES1-36"));

        Assert.Equal("8.2.4.1", Catalog.Find("L3-CES2-01")!.Clause);
        Assert.Equal("恶意代码防范", Catalog.At(2, CatalogSection.General).First(i => i.Category.Code == "ABS" && i.ControlPoint.StartsWith("恶意代码", StringComparison.Ordinal)).ControlPoint);
        Assert.Equal("恶意代码和垃圾邮件防范", Catalog.At(3, CatalogSection.General).First(i => i.Category.Code == "ABS" && i.ControlPoint.StartsWith("恶意代码", StringComparison.Ordinal)).ControlPoint);
    }

    [Fact]
    public void ItemsKeepTheirIdentityAcrossLevels()
    {
        var item = Catalog.Find("L3-CES1-04")!;
        Assert.Equal(item.Requirement.Levels, item.Requirement.ByLevel.Keys.Order());
        Assert.DoesNotContain(2, item.Requirement.Levels);
        Assert.Contains(4, item.Requirement.Levels);
    }

    [GeneratedRegex(@"^L[1-4]-(PES|CNS|ABS|CES|SMC|PSS|ORS|HRS|CMS|MMS)[1-6]-\d{2}$")]
    private static partial Regex CodePattern();
}
