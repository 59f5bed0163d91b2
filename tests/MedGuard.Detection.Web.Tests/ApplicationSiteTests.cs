using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Scope;
using MedGuard.TestTargets.Sites;
using Xunit.Abstractions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// The application sites of issue 13 (tests/MedGuard.TestTargets.Sites): each scanned from its root, never from the
/// vulnerable URL. The vulnerable twin's injection flaws are confirmed; the fixed twin gives no injection finding.
/// Sites of other stacks run their real runtime (php -S, node); chromium is Debian's.
/// </summary>
public sealed class ApplicationSiteTests(ITestOutputHelper output)
{
    /// <summary>The active checks' rules: what a fixed twin must never report.</summary>
    private static readonly string[] InjectionRules = ["sqli", "xss", "command-injection", "path-traversal", "open-redirect"];

    public static WebScanOptions Options(BrowserMode browser, double rate = 200) => new()
    {
        Http = new HttpPipelineOptions { GlobalRatePerSecond = rate, PerHostRatePerSecond = rate },
        Crawl = new CrawlOptions
        {
            Browser = browser,
            MaxPages = 40,

            // Small sites: a few pages and actions each, bounded in time, so the browser tests stay short on 2 cores.
            BrowserMaxPages = 8,
            BrowserActionsPerPage = 6,
            BrowserTimeLimit = TimeSpan.FromSeconds(60),
        },
    };

    private async Task<WebScanReport> ScanAsync(string siteName, SiteTwin twin, BrowserMode browser)
    {
        var site = SiteCatalog.Get(siteName);
        Assert.True(site.MissingPrerequisite() is null, $"{siteName}: {site.MissingPrerequisite()}（test.sh 按 tests/setup.d/appsites.apt 安装）");
        if (browser != BrowserMode.Off)
        {
            var chromium = BrowserCrawler.ChromiumPath(new CrawlOptions());
            Assert.True(File.Exists(chromium), $"chromium 不在 {chromium}（test.sh 按 tests/setup.d/browser.apt 安装）");
        }

        await using var running = await site.StartAsync(twin, new SiteStartOptions());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var report = await new WebScanner(AuthorizedScope.ForOrigin(running.BaseUrl), Options(browser)).ScanAsync(running.BaseUrl, timeout.Token);
        output.WriteLine($"{siteName} {twin} browser={browser} ({report.BrowserCrawl}): pages {report.PagesCrawled}, endpoints {report.EndpointsFound}, parameters {report.ParametersTested}, requests {report.Requests}, {report.Duration.TotalSeconds:0.0}s");
        foreach (var f in report.Findings)
        {
            output.WriteLine($"  {f.RuleId} {f.Method} {f.Url} {f.Parameter} {f.Technique}");
        }

        return report;
    }

    [Theory]
    [InlineData("php-forms", BrowserMode.Off, "POST / keyword", "GET /news.php id", "POST /login.php password", "POST /login.php username")]
    [InlineData("node-menu", BrowserMode.On, "GET /dept code", "GET /doctors dept")]
    [InlineData("spa-json", BrowserMode.On, "POST /api/auth/login user.name", "POST /api/patients/query filter.ward")]
    [InlineData("aspnet-xhr", BrowserMode.On, "POST /ServiceSelect/GridOrgInfoList ProductId")]
    public async Task InjectionFlawsAreConfirmedFromTheRootAndTheFixedTwinIsSilent(string site, BrowserMode browser, params string[] expected)
    {
        var vulnerable = await ScanAsync(site, SiteTwin.Vulnerable, browser);
        var sqli = vulnerable.Findings.Where(f => f.RuleId == "sqli")
            .Select(f => $"{f.Method} {new Uri(f.Url).AbsolutePath} {f.Parameter}").ToList();
        foreach (var e in expected)
        {
            Assert.Contains(e, sqli);
        }

        if (site == "php-forms")
        {
            // The search echoes the term unencoded, but only when the query runs: the quote-free XSS payload finds it.
            Assert.Contains(vulnerable.Findings, f => f is { RuleId: "xss", Parameter: "keyword" });
        }

        var fixedTwin = await ScanAsync(site, SiteTwin.Fixed, browser);
        Assert.DoesNotContain(fixedTwin.Findings, f => InjectionRules.Contains(f.RuleId));
    }

    [Fact]
    public async Task JsonLoginBypassIsReportedAsSuch()
    {
        var report = await ScanAsync("spa-json", SiteTwin.Vulnerable, BrowserMode.On);
        var bypass = Assert.Single(report.Findings, f => f is { RuleId: "sqli", Parameter: "user.name" });
        Assert.Equal("login-bypass", bypass.Technique);

        // The probe changed one leaf of the nested body and kept the rest as the page sent it.
        Assert.Contains("\"remember\":false", bypass.Request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJsMenuSiteNeedsTheBrowser()
    {
        var linksOnly = await ScanAsync("node-menu", SiteTwin.Vulnerable, BrowserMode.Off);
        Assert.DoesNotContain(linksOnly.Findings, f => f.RuleId == "sqli");
        Assert.Null(linksOnly.BrowserCrawl);

        // auto sees the empty menu the script fills, renders, and finds the pages behind the menu.
        var auto = await ScanAsync("node-menu", SiteTwin.Vulnerable, BrowserMode.Auto);
        Assert.NotNull(auto.BrowserCrawl);
        Assert.Contains(auto.Findings, f => f.RuleId == "sqli" && f.Url.Contains("/dept", StringComparison.Ordinal));
    }
}
