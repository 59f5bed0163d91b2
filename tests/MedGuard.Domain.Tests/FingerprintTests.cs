using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Tests;

/// <summary>A finding's identity survives what users do (rename a file, scan again) and changes when the place does.</summary>
public class FingerprintTests
{
    private static Finding On(FindingTarget target, string ruleId = "weak_crypto", IReadOnlyDictionary<string, string>? evidence = null) => new()
    {
        RuleId = ruleId,
        Title = "Android弱加密风险",
        Severity = Severity.Medium,
        Target = target,
        Evidence = evidence ?? new Dictionary<string, string>(),
    };

    [Fact]
    public void RenamedApkKeepsItsFingerprint()
    {
        var first = On(new AppTarget("com.hospital.booking", "Lcom/hospital/booking/Crypto;->encrypt([B)[B") { File = "booking-2.3.apk" });
        var renamed = On(new AppTarget("com.hospital.booking", "Lcom/hospital/booking/Crypto;->encrypt([B)[B") { File = "挂号客户端.apk" });
        Assert.Equal(first.Fingerprint, renamed.Fingerprint);
    }

    [Fact]
    public void ApkFingerprintIsPerRuleAndLocation()
    {
        var encrypt = On(new AppTarget("com.hospital.booking", "Lcom/hospital/booking/Crypto;->encrypt([B)[B"));
        var decrypt = On(new AppTarget("com.hospital.booking", "Lcom/hospital/booking/Crypto;->decrypt([B)[B"));
        var otherApp = On(new AppTarget("com.hospital.pharmacy", "Lcom/hospital/booking/Crypto;->encrypt([B)[B"));
        var otherRule = On(new AppTarget("com.hospital.booking", "Lcom/hospital/booking/Crypto;->encrypt([B)[B"), "hardcoded_key");
        Assert.Equal(4, new[] { encrypt, decrypt, otherApp, otherRule }.Select(f => f.Fingerprint).Distinct().Count());
    }

    [Fact]
    public void DifferentEvidenceKeepsTheFingerprint()
    {
        var target = new ServiceTarget("10.200.0.2", 3389);
        var monday = On(target, "high_risk_port", new Dictionary<string, string> { ["banner"] = "xrdp 0.9.21", ["scannedAt"] = "2026-12-01" });
        var friday = On(target, "high_risk_port", new Dictionary<string, string> { ["banner"] = "xrdp 0.9.24", ["product"] = "xrdp" });
        Assert.Equal(monday.Fingerprint, friday.Fingerprint);
    }

    [Fact]
    public void PortFingerprintIsPerHostPortAndRule()
    {
        var rdp = On(new ServiceTarget("10.200.0.2", 3389), "high_risk_port").Fingerprint;
        Assert.NotEqual(rdp, On(new ServiceTarget("10.200.0.2", 3390), "high_risk_port").Fingerprint);
        Assert.NotEqual(rdp, On(new ServiceTarget("10.200.0.3", 3389), "high_risk_port").Fingerprint);
        Assert.NotEqual(rdp, On(new ServiceTarget("10.200.0.2", 3389), "unauthenticated_service").Fingerprint);
    }

    [Fact]
    public void DifferentParameterChangesTheWebFingerprint()
    {
        var product = On(new WebTarget("https://portal.example", "/Products/Detail", "ProductId"), "sqli");
        var name = On(new WebTarget("https://portal.example", "/Products/Detail", "Name"), "sqli");
        var otherPath = On(new WebTarget("https://portal.example", "/Orders/Detail", "ProductId"), "sqli");
        Assert.NotEqual(product.Fingerprint, name.Fingerprint);
        Assert.NotEqual(product.Fingerprint, otherPath.Fingerprint);
    }

    [Fact]
    public void WebMethodAndOriginCaseAreNotIdentity()
    {
        var get = On(new WebTarget("https://Portal.Example", "/search", "q") { Method = "GET" }, "xss");
        var post = On(new WebTarget("https://portal.example", "/search", "q") { Method = "POST" }, "xss");
        Assert.Equal(get.Fingerprint, post.Fingerprint);
    }

    [Fact]
    public void TargetsOfDifferentKindsNeverShareAFingerprint()
    {
        var account = On(new AccountTarget("wx1234", "/api/booking"), "idor");
        var app = On(new AppTarget("wx1234", "/api/booking"), "idor");
        Assert.NotEqual(account.Fingerprint, app.Fingerprint);
    }

    [Fact]
    public void UrlSplitsIntoOriginAndPathWithoutTheQuery()
    {
        var target = WebTarget.FromUrl(new Uri("https://portal.example:8443/Products/Detail?ProductId=7#top"), "ProductId");
        Assert.Equal("https://portal.example:8443", target.Origin);
        Assert.Equal("/Products/Detail", target.Path);
        Assert.Equal("https://portal.example:8443/Products/Detail", target.Url);
    }

    [Fact]
    public void ARunHoldsOneFindingPerFingerprint()
    {
        var get = On(new WebTarget("https://portal.example", "/search", "q") { Method = "GET" }, "xss") with { Locations = ["GET https://portal.example/search"], Severity = Severity.Low };
        var post = On(new WebTarget("https://portal.example", "/search", "q") { Method = "POST" }, "xss") with { Locations = ["POST https://portal.example/search"], Severity = Severity.Medium };
        var other = On(new WebTarget("https://portal.example", "/search", "page"), "xss");
        var merged = DetectionRun.MergeByFingerprint([get, post, other]);
        Assert.Equal(2, merged.Count);
        Assert.Equal(["GET https://portal.example/search", "POST https://portal.example/search"], merged[0].Locations);
        Assert.Equal(Severity.Medium, merged[0].Severity);
        Assert.Equal(2, merged[0].Count);
    }
}
