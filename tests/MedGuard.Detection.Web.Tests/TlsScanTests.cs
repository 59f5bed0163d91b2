using System.Security.Cryptography.X509Certificates;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Detection.Web.Tls;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.HospitalPortal;
using Xunit.Abstractions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>TLS checks against the portal's https listener: weak, expired, self-signed, wrong-name certificate vs a sound one.</summary>
public sealed class TlsScanTests(ITestOutputHelper output)
{
    private static async Task<WebScanReport> ScanHttps(RunningPortal portal, X509Certificate2? root)
    {
        var url = portal.HttpsUrl!;
        var options = new WebScanOptions
        {
            ActiveChecks = false,
            TrustedRoots = root is null ? null : [root],
            Http = new HttpPipelineOptions { GlobalRatePerSecond = 200, PerHostRatePerSecond = 200 },
            Crawl = new Detection.Web.Crawl.CrawlOptions { MaxPages = 5 },
        };
        return await new WebScanner(AuthorizedScope.ForOrigin(url), options).ScanAsync(url);
    }

    [Fact]
    public async Task BadCertificateAndMissingHstsAreFoundOnlyOnTheVulnerableTwin()
    {
        await using var vulnerable = await PortalApp.StartAsync(PortalMode.Vulnerable, https: true);
        await using var hardened = await PortalApp.StartAsync(PortalMode.Hardened, https: true);
        var bad = await ScanHttps(vulnerable, null);
        var good = await ScanHttps(hardened, hardened.TestRoot);
        output.WriteLine(PortalScanTests.Describe(bad));
        output.WriteLine(PortalScanTests.Describe(good));
        foreach (var rule in new[] { "tls-certificate-expired", "tls-certificate-untrusted", "tls-certificate-hostname", "missing-hsts", "cookie-without-secure" })
        {
            Assert.Contains(bad.Findings, f => f.RuleId == rule);
            Assert.DoesNotContain(good.Findings, f => f.RuleId == rule);
        }

        Assert.Contains("his.hospital.test", bad.Findings.Single(f => f.RuleId == "tls-certificate-hostname").Response, StringComparison.Ordinal);
        Assert.Empty(good.Findings);
    }

    [Fact]
    public async Task LegacyProtocolsAndWeakKeyAreFoundOnAnOldServer()
    {
        // openssl s_server made to serve TLS 1.0/1.1 only with a self-signed RSA-1024 certificate: the local TLS library
        // refuses such a server outright, so everything here comes from the inspector's own ClientHello.
        await using var old = await LegacyTlsServer.StartAsync();
        var url = new Uri($"https://127.0.0.1:{old.Port}/");
        var inspector = new TlsInspector(AuthorizedScope.ForOrigin(url), TimeSpan.FromSeconds(5));
        var findings = await inspector.InspectAsync(url, CancellationToken.None);
        foreach (var f in findings)
        {
            output.WriteLine($"{f.RuleId} {f.Technique}: {f.Response.Replace('\n', ' ')}");
        }

        Assert.Equal(["TLS 1.0", "TLS 1.1"], findings.Where(f => f.RuleId == "tls-legacy-protocol").Select(f => f.Technique).Order());
        Assert.Contains("RSA 1024 位", findings.Single(f => f.RuleId == "tls-weak-key").Response, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.RuleId == "tls-certificate-untrusted" && f.Finding.Title.Contains("自签名", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.RuleId == "tls-certificate-hostname");
        Assert.DoesNotContain(findings, f => f.RuleId == "tls-certificate-expired");
    }

    [Fact]
    public async Task LegacyProtocolsAreNotReportedWhenTheServerRefusesThem()
    {
        // Kestrel on OpenSSL 3 offers TLS 1.2+ only: the negative case.
        await using var hardened = await PortalApp.StartAsync(PortalMode.Hardened, https: true);
        var inspector = new TlsInspector(AuthorizedScope.ForOrigin(hardened.HttpsUrl!), TimeSpan.FromSeconds(5), [hardened.TestRoot!]);
        var findings = await inspector.InspectAsync(hardened.HttpsUrl!, CancellationToken.None);
        Assert.DoesNotContain(findings, f => f.RuleId == "tls-legacy-protocol");
        Assert.Equal(3, inspector.Handshakes);
    }

    [Fact]
    public async Task APlainHttpPortGivesNoTlsFindingsAndFewHandshakes()
    {
        // https:// pointed at a plain-HTTP listener: the answer is no TLS record, so no other version is tried.
        await using var portal = await PortalApp.StartAsync(PortalMode.Vulnerable);
        var url = new Uri($"https://127.0.0.1:{portal.BaseUrl.Port}/");
        var inspector = new TlsInspector(AuthorizedScope.ForOrigin(url), TimeSpan.FromSeconds(5));
        Assert.Empty(await inspector.InspectAsync(url, CancellationToken.None));
        Assert.Equal(3, inspector.Handshakes); // the library's handshake, one own hello for the certificate, one for TLS 1.0
    }

    [Fact]
    public void WeakKeysAreRecognised()
    {
        using var weak = System.Security.Cryptography.RSA.Create(1024);
        using var weakCert = new CertificateRequest("CN=weak", weak, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal("RSA 1024 位", TlsInspector.WeakKey(weakCert));
        using var strong = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var strongCert = new CertificateRequest("CN=ok", strong, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.Null(TlsInspector.WeakKey(strongCert));
    }

    [Fact]
    public async Task TlsInspectorRefusesHostsOutsideTheScope()
    {
        var inspector = new TlsInspector(AuthorizedScope.ForOrigin(new Uri("https://127.0.0.1:1/")), TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<OutOfScopeException>(() => inspector.InspectAsync(new Uri("https://127.0.0.1:2/"), CancellationToken.None));
        Assert.Equal(0, inspector.Handshakes);
    }
}
