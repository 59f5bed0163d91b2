using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Libraries;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Tests;

/// <summary>The outdated-library data: every entry's examples, the issue's libraries, and the passive check on responses.</summary>
public sealed class ClientLibraryTests
{
    public static TheoryData<string> Libraries() => [.. ClientLibraryCatalog.All.Select(l => l.Name)];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void EveryLibraryFindsItsVulnerableExamplesAndNotItsSafeOnes(string name)
    {
        var library = ClientLibraryCatalog.All.Single(l => l.Name == name);
        Assert.NotEmpty(library.VulnerableExamples);
        Assert.NotEmpty(library.SafeExamples);
        foreach (var (text, version) in library.VulnerableExamples)
        {
            var sighting = Assert.Single(ClientLibraryCatalog.Identify(text, text, [library]));
            Assert.Equal(version, sighting.Version);
            Assert.True(sighting.Vulnerable, text);
            Assert.All(sighting.Cves, c => Assert.Matches(@"^CVE-\d{4}-\d{4,}$", c));
        }

        foreach (var text in library.SafeExamples)
        {
            Assert.DoesNotContain(ClientLibraryCatalog.Identify(text, text, [library]), s => s.Vulnerable);
        }

        Assert.All(library.Vulnerable, r => Assert.StartsWith("https://nvd.nist.gov/vuln/detail/CVE-", r.Source, StringComparison.Ordinal));
        Assert.All(library.Vulnerable, r => Assert.Contains(r.Severity, new[] { Severity.Medium, Severity.Low }));
    }

    [Fact]
    public void TheIssuesLibrariesAreCovered()
    {
        foreach (var name in new[] { "jQuery", "jQuery UI", "Bootstrap", "AngularJS", "Vue.js", "Lodash", "Moment.js" })
        {
            Assert.Contains(ClientLibraryCatalog.All, l => l.Name == name);
        }
    }

    [Fact]
    public void JQuery183HasTheKnownCvesAndJQuery350OnlyNone()
    {
        var jquery = ClientLibraryCatalog.All.Single(l => l.Name == "jQuery");
        var old = jquery.Sighting(new Version(1, 8, 3));
        Assert.Equal(Severity.Medium, old.Severity);
        Assert.Contains("CVE-2012-6708", old.Cves);
        Assert.Contains("CVE-2015-9251", old.Cves);
        Assert.Contains("CVE-2020-11022", old.Cves);
        Assert.DoesNotContain("CVE-2011-4969", old.Cves);
        Assert.False(jquery.Sighting(new Version(3, 5, 0)).Vulnerable);
        Assert.Equal(["CVE-2020-11022", "CVE-2020-11023"], jquery.Sighting(new Version(3, 4, 1)).Cves);
    }

    [Theory]
    [InlineData("- name: x\n  files: ['x-(\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 中, cves: [CVE-2020-1234], source: 'https://nvd.nist.gov/'}]\n", "命名分组")]
    [InlineData("- name: x\n  files: ['x-(?<v>\\d+\\.\\d+\\.\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 中, cves: [XSS], source: 'https://nvd.nist.gov/'}]\n", "CVE 编号")]
    [InlineData("- name: x\n  files: ['x-(?<v>\\d+\\.\\d+\\.\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 高, cves: [CVE-2020-1234], source: 'https://nvd.nist.gov/'}]\n", "严重程度")]
    [InlineData("- name: x\n  files: ['x-(?<v>\\d+\\.\\d+\\.\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 中, cves: [CVE-2020-1234]}]\n", "source")]
    [InlineData("- name: x\n  files: ['x-(?<v>\\d+\\.\\d+\\.\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 中, cves: [CVE-2020-1234], source: 'https://nvd.nist.gov/'}]\n  examples:\n    vulnerable: [{text: 'x-2.0.0.js', version: 2.0.0}]\n    safe: [{text: 'y.js'}]\n", "没有识别为有漏洞的 2.0.0")]
    [InlineData("- name: x\n  files: ['x-(?<v>\\d+\\.\\d+\\.\\d+)\\.js']\n  vulnerable: [{below: 1.0.0, severity: 中, cves: [CVE-2020-1234], source: 'https://nvd.nist.gov/'}]\n  examples:\n    vulnerable: [{text: 'x-0.9.0.js', version: 0.9.0}]\n    safe: [{text: 'x-0.1.0.js'}]\n", "安全示例被识别为有漏洞")]
    [InlineData("- name: x\n  filez: []\n", "第 2 行")]
    public void BadEntriesAreRefusedWithTheFileAndTheReason(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ClientLibraryCatalog.Parse(yaml, "libs.yaml"));
        Assert.Contains("libs.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoLibrariesFromACdnOnOnePageAreTwoFindings()
    {
        var page = new HttpExchange
        {
            Request = ScanRequest.Get(new Uri("http://127.0.0.1:1/index.html")),
            RawRequest = "GET /index.html HTTP/1.1\n",
            Status = 200,
            Headers = [new("Content-Type", "text/html")],
            Body = "<script src=\"https://cdn.bootcdn.net/ajax/libs/jquery/1.12.4/jquery.min.js\"></script>"
                + "<script src=\"https://cdn.bootcdn.net/ajax/libs/twitter-bootstrap/3.3.7/js/bootstrap.min.js\"></script>",
        };
        var findings = new OutdatedLibraryCheck().Evaluate(page).ToList();
        Assert.Equal(["Bootstrap", "jQuery"], findings.Select(f => f.Parameter).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal("http://127.0.0.1:1/index.html", f.Url));
    }

    [Fact]
    public void TheCheckReportsOncePerHostAndVersionFromAPageOrAScriptButNotFromAStylesheet()
    {
        static HttpExchange Response(string url, string type, string body) => new()
        {
            Request = ScanRequest.Get(new Uri(url)),
            RawRequest = "GET / HTTP/1.1\n",
            Status = 200,
            Headers = [new("Content-Type", type)],
            Body = body,
        };

        var check = new OutdatedLibraryCheck();
        var page = Response("http://127.0.0.1:1/", "text/html", "<script src=\"/js/jquery-1.8.3.min.js\"></script>");
        var f = Assert.Single(check.Evaluate(page));
        Assert.Equal(OutdatedLibraryCheck.RuleId, f.RuleId);
        Assert.Equal(Severity.Medium, f.Severity);
        Assert.Equal("1.8.3", f.Finding.Evidence["version"]);
        Assert.Contains("CVE-2015-9251", f.Finding.Evidence["cves"], StringComparison.Ordinal);
        Assert.Contains("L3-CES1-21", f.Finding.StandardRefs);
        Assert.Equal("http://127.0.0.1:1/js/jquery-1.8.3.min.js", f.Url);

        // The same file fetched later is the same finding; another page of the host too.
        Assert.Empty(check.Evaluate(Response("http://127.0.0.1:1/js/jquery-1.8.3.min.js", "application/javascript", "/*! jQuery v1.8.3 jquery.com */")));
        Assert.Empty(check.Evaluate(Response("http://127.0.0.1:1/css/site.css", "text/css", "/*!\n * Bootstrap v3.3.7 (http://getbootstrap.com)\n */")));
        Assert.Single(check.Evaluate(Response("http://127.0.0.1:1/js/b.js", "application/javascript", "/*!\n * Bootstrap v3.3.7 (http://getbootstrap.com)\n */")));
    }
}
