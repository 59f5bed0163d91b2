using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;

namespace MedGuard.Domain.Tests;

/// <summary>Assets (资产), what they hold, and when their authorization (授权) permits detection.</summary>
public class InventoryTests
{
    private static Asset Of(AssetKind kind, string value, string? appId = null) =>
        new() { Kind = kind, Value = Asset.Normalize(kind, value), AppId = appId };

    [Theory]
    [InlineData(AssetKind.Ip, " 10.0.0.5 ", "10.0.0.5")]
    [InlineData(AssetKind.Ip, "10.0.0.77/24", "10.0.0.0/24")]
    [InlineData(AssetKind.Ip, "2001:DB8::1/48", "2001:db8::/48")]
    [InlineData(AssetKind.Ip, "10.0.0.0-10.0.0.255", "10.0.0.0/24")]
    [InlineData(AssetKind.Ip, "10.0.0.1-10.0.0.9", "10.0.0.1-10.0.0.9")]
    [InlineData(AssetKind.Origin, "HTTPS://Portal.Example:443/path?q", "https://portal.example")]
    [InlineData(AssetKind.Origin, "http://portal.example:8080", "http://portal.example:8080")]
    [InlineData(AssetKind.Origin, "Portal.Example.", "portal.example")]
    [InlineData(AssetKind.App, "com.hospital.booking", "com.hospital.booking")]
    [InlineData(AssetKind.Account, " 某医院服务号 ", "某医院服务号")]
    public void ValuesAreNormalized(AssetKind kind, string text, string expected) => Assert.Equal(expected, Asset.Normalize(kind, text));

    [Theory]
    [InlineData(AssetKind.Ip, "10.0.0.256")]
    [InlineData(AssetKind.Ip, "10.0.0.0/33")]
    [InlineData(AssetKind.Origin, "ftp://portal.example")]
    [InlineData(AssetKind.Origin, "portal example")]
    [InlineData(AssetKind.App, "booking")]
    [InlineData(AssetKind.App, "com.1hospital")]
    [InlineData(AssetKind.Account, "")]
    public void BadValuesAreRefusedInChinese(AssetKind kind, string text)
    {
        var error = Assert.Throws<AssetValueException>(() => Asset.Normalize(kind, text));
        Assert.Matches(@"[\u4e00-\u9fa5]", error.Message);
    }

    [Fact]
    public void AssetsHoldTheTargetsOnThem()
    {
        var range = Of(AssetKind.Ip, "10.200.0.0/24");
        Assert.True(range.Matches(new ServiceTarget("10.200.0.2", 3389)));
        Assert.True(range.Matches(new ServiceTarget("::ffff:10.200.0.2", 3389)));
        Assert.False(range.Matches(new ServiceTarget("10.200.1.2", 3389)));
        Assert.True(range.Matches(new WebTarget("http://10.200.0.5:8080", "/", null)));
        Assert.False(range.Matches(new WebTarget("http://portal.example", "/", null)));
        Assert.True(Of(AssetKind.Ip, "2001:db8::/48").Matches(new ServiceTarget("2001:db8::5", 22)));
        Assert.True(Of(AssetKind.Ip, "2001:db8::/48").Matches(new WebTarget("https://[2001:db8::5]", "/", null)));

        var origin = Of(AssetKind.Origin, "https://portal.example");
        Assert.True(origin.Matches(new WebTarget("https://PORTAL.example", "/a", "q")));
        Assert.False(origin.Matches(new WebTarget("http://portal.example", "/a", "q")));
        Assert.True(origin.Matches(new ServiceTarget("portal.example", 443)));
        var host = Of(AssetKind.Origin, "portal.example");
        Assert.True(host.Matches(new WebTarget("http://portal.example:8080", "/", null)));
        Assert.False(host.Matches(new WebTarget("http://other.example", "/", null)));

        Assert.True(Of(AssetKind.App, "com.a.b").Matches(new AppTarget("com.a.b", "Lx;")));
        Assert.False(Of(AssetKind.App, "com.a.b").Matches(new AppTarget("com.a.bc", null)));
        var account = Of(AssetKind.Account, "某医院服务号", appId: "wx1234567890");
        Assert.True(account.Matches(new AccountTarget("某医院服务号", null)));
        Assert.True(account.Matches(new AccountTarget("wx1234567890", "/api")));
        Assert.False(account.Matches(new ServiceTarget("10.0.0.1", 1)));

        // The narrowest holder wins when several do.
        Assert.True(Of(AssetKind.Ip, "10.200.0.2").Specificity > range.Specificity);
        Assert.True(origin.Specificity > range.Specificity);
    }

    [Fact]
    public void AnAuthorizationPermitsItsDetectorsWithinItsDatesWindowAndUntilRevoked()
    {
        var z = new AssetAuthorization
        {
            AuthorizedBy = "院长",
            ValidFrom = new DateOnly(2026, 12, 1),
            ValidUntil = new DateOnly(2026, 12, 31),
            Detectors = ["ports", "web"],
            AllowedWindow = "22:00-06:00",
        };
        var china = TimeSpan.FromHours(8);
        Assert.True(z.Permits("ports", new DateTimeOffset(2026, 12, 1, 23, 0, 0, china)));
        Assert.True(z.Permits("web", new DateTimeOffset(2026, 12, 31, 5, 59, 0, china))); // last day, before the window ends
        // 2026-12-31 23:30 UTC is 2027-01-01 in Beijing: past the validity.
        Assert.Contains("已过期", z.Refusal("ports", new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero)));
        Assert.Contains("尚未生效", z.Refusal("ports", new DateTimeOffset(2026, 11, 30, 23, 0, 0, china)));
        Assert.Contains("不含 apk", z.Refusal("apk", new DateTimeOffset(2026, 12, 2, 23, 0, 0, china)));
        Assert.Contains("允许时段", z.Refusal("ports", new DateTimeOffset(2026, 12, 2, 12, 0, 0, china)));

        z.RevokedAt = new DateTimeOffset(2026, 12, 10, 0, 0, 0, china);
        Assert.True(z.Permits("ports", new DateTimeOffset(2026, 12, 9, 23, 0, 0, china)));
        Assert.Contains("撤销", z.Refusal("ports", new DateTimeOffset(2026, 12, 10, 23, 0, 0, china)));
    }

    [Fact]
    public void EvidenceMaskHidesPersonalData()
    {
        var masked = EvidenceMask.Mask("患者：李小龙，身份证号 11010119900307123X，手机 13812345678，卡号 6222021234567890123，邮箱 zhangsan@hospital.cn");
        Assert.DoesNotContain("11010119900307123X", masked, StringComparison.Ordinal);
        Assert.Contains("110101**********3X", masked, StringComparison.Ordinal);
        Assert.Contains("138****5678", masked, StringComparison.Ordinal);
        Assert.Contains("622202*********0123", masked, StringComparison.Ordinal);
        Assert.Contains("z***@hospital.cn", masked, StringComparison.Ordinal);
        Assert.Contains("患者：李**", masked, StringComparison.Ordinal);
        Assert.Contains("姓名=王*", EvidenceMask.Mask("姓名=王五"), StringComparison.Ordinal);
        Assert.Equal("HTTP/1.1 200 OK 端口 3389", EvidenceMask.Mask("HTTP/1.1 200 OK 端口 3389"));

        // Another field's label after 患者 is no name: only the values are masked.
        Assert.Equal("患者身份证：110101**********3X", EvidenceMask.Mask("患者身份证：11010119900307123X"));
        Assert.Equal("患者手机号 138****5678", EvidenceMask.Mask("患者手机号 13812345678"));
        Assert.Equal("患者张*", EvidenceMask.Mask("患者张三"));

        // The detectors' masking and the display's read the same: evidence the web engine already masked stays as it is.
        var byScanner = MedGuard.Domain.PersonalData.PersonalDataScanner.Mask("身份证 11010519491231002X 银行卡 6222021234567890128");
        Assert.Equal(byScanner, EvidenceMask.Mask(byScanner));
        Assert.DoesNotContain("11010519491231002X", byScanner, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSlaDefaultsAreTheRectificationDeadlines()
    {
        var day = new DateOnly(2026, 12, 1);
        Assert.Equal(day.AddDays(30), FindingSla.Default.DueOn(Severity.High, day));
        Assert.Equal(day.AddDays(90), FindingSla.Default.DueOn(Severity.Medium, day));
        Assert.Null(FindingSla.Default.DueOn(Severity.Info, day));
        Assert.Equal(day.AddDays(7), (FindingSla.Default with { HighDays = 7 }).DueOn(Severity.High, day));
    }

    [Fact]
    public void StatusNamesRoundTrip()
    {
        foreach (var status in Enum.GetValues<FindingStatus>())
        {
            Assert.True(FindingStatusNames.TryParse(status.ToChinese(), out var back));
            Assert.Equal(status, back);
        }

        Assert.Equal(FindingStatus.RiskAccepted, FindingStatusNames.Parse("risk-accepted"));
        Assert.Throws<FormatException>(() => FindingStatusNames.Parse("关闭"));
    }
}
