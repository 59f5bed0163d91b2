using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.Sites;
using Xunit.Abstractions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// Checks that hold on servers we did not write (issue 13): every site of MedGuard.TestTargets.Sites of these kinds is
/// scanned from its root; the vulnerable twin must raise the kind's rule, the fixed twin none of the kind's rules.
/// Real nginx, python http.server and php are started as child processes on 127.0.0.1 (tests/setup.d/websites.apt).
/// </summary>
public sealed class ThirdPartySiteTests(ITestOutputHelper output)
{
    /// <summary>Site, the rule its vulnerable twin must raise, and the rule-id prefix the fixed twin must not raise at all.</summary>
    public static TheoryData<string, string, string> Sites() => new()
    {
        { "listing-nginx", "directory-listing", "directory-listing" },
        { "listing-python", "directory-listing", "directory-listing" },
        { "listing-aspnetcore", "directory-listing", "directory-listing" },
        { "cors-wildcard", "cors-wildcard", "cors-" },
        { "cors-reflect", "cors-origin-reflected", "cors-" },
        { "cors-reflect-credentials", "cors-permissive", "cors-" },
        { "cors-null", "cors-null-origin", "cors-" },
        { "errors-php", "error-page-disclosure", "error-page-disclosure" },
        { "errors-aspnetcore", "error-page-disclosure", "error-page-disclosure" },
        { "js-libraries", "outdated-js-library", "outdated-js-library" },
        { "xxe", "xxe", "xxe" },
        { "security-headers", "missing-referrer-policy", "missing-" },
    };

    [Theory]
    [MemberData(nameof(Sites))]
    public async Task TheVulnerableTwinIsFoundFromTheRootAndTheFixedTwinIsSilent(string site, string rule, string family)
    {
        var vulnerable = await ScanAsync(site, SiteTwin.Vulnerable);
        Assert.True(vulnerable.Findings.Any(f => f.RuleId == rule), $"{site}: {rule} not found; got:\n{Describe(vulnerable)}");
        var fixedTwin = await ScanAsync(site, SiteTwin.Fixed);
        Assert.True(!fixedTwin.Findings.Any(f => f.RuleId.StartsWith(family, StringComparison.Ordinal)), $"{site} (fixed): unexpected {family}; got:\n{Describe(fixedTwin)}");
    }

    [Fact]
    public async Task EveryEmulatedServerStyleOfListingIsRecognised()
    {
        var report = await ScanAsync("listing-emulated", SiteTwin.Vulnerable);
        foreach (var folder in EmulatedListingSite.Folders.Keys)
        {
            Assert.True(report.Findings.Any(f => f.RuleId == "directory-listing" && f.Url.EndsWith(folder, StringComparison.Ordinal)),
                $"{EmulatedListingSite.Folders[folder]} listing at {folder} not found; got:\n{Describe(report)}");
        }

        var fixedTwin = await ScanAsync("listing-emulated", SiteTwin.Fixed);
        Assert.DoesNotContain(fixedTwin.Findings, f => f.RuleId == "directory-listing");
    }

    [Fact]
    public async Task EveryEmulatedStacksErrorPageIsRecognised()
    {
        var report = await ScanAsync("errors-emulated", SiteTwin.Vulnerable);
        foreach (var path in EmulatedErrorSite.Pages.Keys)
        {
            Assert.True(report.Findings.Any(f => f.RuleId == "error-page-disclosure" && new Uri(f.Url).AbsolutePath == path),
                $"{EmulatedErrorSite.Pages[path]} error page at {path} not found; got:\n{Describe(report)}");
        }

        var fixedTwin = await ScanAsync("errors-emulated", SiteTwin.Fixed);
        Assert.DoesNotContain(fixedTwin.Findings, f => f.RuleId == "error-page-disclosure");
    }

    [Fact]
    public async Task OutdatedLibrariesAreReportedWithVersionAndCves()
    {
        var report = await ScanAsync("js-libraries", SiteTwin.Vulnerable);
        var libraries = report.Findings.Where(f => f.RuleId == "outdated-js-library").ToDictionary(f => f.Finding.Evidence["library"], f => f);
        Assert.Equal(["AngularJS", "Bootstrap", "jQuery"], libraries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1.8.3", libraries["jQuery"].Finding.Evidence["version"]);
        Assert.Contains("CVE-2020-11022", libraries["jQuery"].Finding.Evidence["cves"], StringComparison.Ordinal);
        Assert.Equal("3.3.7", libraries["Bootstrap"].Finding.Evidence["version"]);
        Assert.Contains("CVE-2019-8331", libraries["Bootstrap"].Finding.Evidence["cves"], StringComparison.Ordinal);
        Assert.Equal("1.5.8", libraries["AngularJS"].Finding.Evidence["version"]);
        Assert.All(libraries.Values, f => Assert.Contains(f.Severity, new[] { MedGuard.Domain.Findings.Severity.Medium, MedGuard.Domain.Findings.Severity.Low }));
    }

    [Fact]
    public async Task XxeIsShownWithAnInternalEntityOnly()
    {
        var report = await ScanAsync("xxe", SiteTwin.Vulnerable);
        var xxe = Assert.Single(report.Findings, f => f.RuleId == "xxe");
        Assert.EndsWith("/ws/LabService.asmx", xxe.Url, StringComparison.Ordinal);
        Assert.Contains("<!ENTITY", xxe.Request, StringComparison.Ordinal);
        Assert.DoesNotContain("SYSTEM", xxe.Request, StringComparison.Ordinal);
        Assert.DoesNotContain("PUBLIC", xxe.Request, StringComparison.Ordinal);
        Assert.Contains(xxe.Finding.Evidence["marker"], xxe.Response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderFindingsComeOncePerSiteFromThePageARedirectingStartUrlLandsOn()
    {
        var report = await ScanAsync("security-headers", SiteTwin.Vulnerable);
        foreach (var rule in new[] { "missing-csp", "missing-x-frame-options", "missing-x-content-type-options", "missing-referrer-policy" })
        {
            var hit = Assert.Single(report.Findings, f => f.RuleId == rule);
            Assert.EndsWith("/portal/", hit.Url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASoft404SiteGivesNoExposedFileFinding()
    {
        // Any path answers 200 with a page that names the path and changes on every load.
        string[] exposure = ["backup-files", "exposed-vcs", "exposed-env", "phpinfo", "admin-console", "default-page", "directory-listing"];
        foreach (var twin in new[] { SiteTwin.Vulnerable, SiteTwin.Fixed })
        {
            var report = await ScanAsync("soft-404", twin);
            Assert.True(!report.Findings.Any(f => exposure.Contains(f.RuleId)), $"soft-404 ({twin}): exposed-file finding on a site without files:\n{Describe(report)}");
        }
    }

    private async Task<WebScanReport> ScanAsync(string name, SiteTwin twin)
    {
        var site = SiteCatalog.Get(name);
        Assert.Null(site.MissingPrerequisite());
        await using var running = await site.StartAsync(twin, new SiteStartOptions());
        var options = new WebScanOptions { Http = new HttpPipelineOptions { GlobalRatePerSecond = 500, PerHostRatePerSecond = 500 } };
        var report = await new WebScanner(AuthorizedScope.ForOrigin(running.BaseUrl), options).ScanAsync(running.BaseUrl);
        output.WriteLine($"{name} ({twin}): {report.Requests} requests, {report.Findings.Count} findings");
        return report;
    }

    private static string Describe(WebScanReport r) =>
        string.Join("\n", r.Findings.Select(f => $"  {f.RuleId} {f.Method} {f.Url} {f.Parameter} [{f.Technique}]"));
}
