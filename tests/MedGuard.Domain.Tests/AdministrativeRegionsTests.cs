using MedGuard.Domain.Institutions;

namespace MedGuard.Domain.Tests;

/// <summary>The 行政区划 table every host validates region codes against, and hospital grades as hospitals write them.</summary>
public sealed class AdministrativeRegionsTests
{
    [Theory]
    [InlineData("11", "北京市", "北京市")]
    [InlineData("110108", "海淀区", "北京市海淀区")]
    [InlineData(" 110101 ", "东城区", "北京市东城区")]
    [InlineData("33", "浙江省", "浙江省")]
    [InlineData("4401", "广州市", "广东省广州市")]
    [InlineData("510107", "武侯区", "四川省武侯区")]
    [InlineData("650102", "天山区", "新疆维吾尔自治区天山区")]
    public void KnownCodesHaveTheirNames(string code, string name, string fullName)
    {
        Assert.True(AdministrativeRegions.IsKnown(code));
        Assert.Equal(name, AdministrativeRegions.Name(code));
        Assert.Equal(fullName, AdministrativeRegions.FullName(code));
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("1199")] // no such city
    [InlineData("")]
    [InlineData(null)]
    public void AnUnknownCodeIsNotKnownAndShowsAsItself(string? code)
    {
        Assert.False(AdministrativeRegions.IsKnown(code));
        Assert.Equal(code ?? "", AdministrativeRegions.FullName(code));
    }

    [Fact]
    public void EveryProvinceHasItsPrefecturesAndCounties()
    {
        // A regulator of any province can be set up: each of the 31 mainland provinces has prefecture- and county-level codes.
        foreach (var province in new[] { "11", "13", "23", "32", "44", "46", "51", "54", "63", "65" })
        {
            Assert.True(AdministrativeRegions.IsKnown(province), province);
            Assert.True(AdministrativeRegions.IsKnown(province + "01") || AdministrativeRegions.IsKnown(province + "02"), province);
        }
    }

    [Theory]
    [InlineData("三甲", HospitalTier.TertiaryA)]
    [InlineData("三级甲等", HospitalTier.TertiaryA)]
    [InlineData("三乙", HospitalTier.Tertiary)]
    [InlineData("三级", HospitalTier.Tertiary)]
    [InlineData("二甲", HospitalTier.Secondary)]
    [InlineData("二级乙等", HospitalTier.Secondary)]
    [InlineData("一级", HospitalTier.Primary)]
    [InlineData("其他", HospitalTier.Other)]
    public void TiersParseFromTheirChineseNames(string text, HospitalTier tier) => Assert.Equal(tier, HospitalTierNames.Parse(text));

    [Fact]
    public void AnUnknownTierNamesTheAcceptedOnes()
    {
        var ex = Assert.Throws<FormatException>(() => HospitalTierNames.Parse("特等"));
        Assert.Contains("三乙", ex.Message);
    }
}
