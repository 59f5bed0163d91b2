using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;
using Xunit.Abstractions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>Every check has a positive case on the vulnerable portal and a negative one on its hardened twin.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalScanTests(PortalScanFixture portals, ITestOutputHelper output)
{
    [Theory]
    [InlineData("sqli", "/ServiceSelect/GridOrgInfoList", "ProductId", "boolean")]
    [InlineData("sqli", "/api/patient/lookup", "cardNo", "boolean")]
    [InlineData("sqli", "/News/Detail", "id", "error")]
    [InlineData("sqli", "/Appointment/Query", "no", "time")]
    [InlineData("xss", "/Search", "q", "reflected")]
    [InlineData("command-injection", "/Tools/Ping", "host", "command")]
    [InlineData("path-traversal", "/Download", "file", "traversal")]
    [InlineData("open-redirect", "/Go", "url", "redirect")]
    public void ActiveCheckFindsTheFlawOnlyOnTheVulnerableTwin(string ruleId, string path, string parameter, string technique)
    {
        var hit = portals.VulnerableReport.Findings.SingleOrDefault(f => f.RuleId == ruleId && f.Url.EndsWith(path, StringComparison.Ordinal) && f.Parameter == parameter);
        Assert.True(hit is not null, $"{ruleId} on {path}?{parameter} not found; got:\n{Describe(portals.VulnerableReport)}");
        Assert.Equal(technique, hit.Technique);
        Assert.Contains(parameter, hit.Request, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 ", hit.Response, StringComparison.Ordinal);
        Assert.DoesNotContain(portals.HardenedReport.Findings, f => f.RuleId == ruleId && f.Url.EndsWith(path, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("server-version-leak", "")]
    [InlineData("error-page-disclosure", "/Department/Detail")]
    [InlineData("database-error-disclosure", "/Report/Export")]
    [InlineData("directory-listing", "/uploads/")]
    [InlineData("backup-files", "/web.config.bak")]
    [InlineData("exposed-vcs", "/.git/HEAD")]
    [InlineData("exposed-env", "/.env")]
    [InlineData("phpinfo", "/phpinfo.php")]
    [InlineData("admin-console", "/admin/login.aspx")]
    [InlineData("default-page", "/iisstart.htm")]
    [InlineData("http-put-enabled", "/")]
    [InlineData("http-trace-enabled", "/")]
    [InlineData("missing-csp", "/")]
    [InlineData("missing-x-frame-options", "/")]
    [InlineData("missing-x-content-type-options", "/")]
    [InlineData("cookie-without-httponly", "")]
    [InlineData("cors-permissive", "/")]
    [InlineData("pii-exposure", "/His/PatientList")]
    [InlineData("cleartext-password-form", "")]
    public void TemplateCheckFindsTheFlawOnlyOnTheVulnerableTwin(string ruleId, string path)
    {
        var hits = portals.VulnerableReport.Findings.Where(f => f.RuleId == ruleId).ToList();
        Assert.True(hits.Count > 0, $"{ruleId} not found; got:\n{Describe(portals.VulnerableReport)}");
        Assert.Contains(hits, f => f.Url.EndsWith(path, StringComparison.Ordinal) || path.Length == 0);
        Assert.DoesNotContain(portals.HardenedReport.Findings, f => f.RuleId == ruleId);
    }

    [Fact]
    public void HardenedTwinHasNoFindingsAtAll()
    {
        // Both scans ran to the end: no page limit, budget or skipped host hides anything behind the results.
        Assert.True(portals.VulnerableReport.Complete, string.Join("\n", portals.VulnerableReport.Limitations));
        Assert.True(portals.HardenedReport.Complete, string.Join("\n", portals.HardenedReport.Limitations));

        output.WriteLine(Describe(portals.HardenedReport));
        Assert.Empty(portals.HardenedReport.Findings);
    }

    [Fact]
    public void SeedsEndpointCarriesTheSeedsHeadersInItsEvidence()
    {
        var sqli = portals.VulnerableReport.Findings.Single(f => f.RuleId == "sqli" && f.Parameter == "ProductId");
        Assert.Equal(Severity.High, sqli.Severity);
        Assert.Equal("POST", sqli.Method);
        Assert.Contains("Server: Microsoft-IIS/7.0", sqli.Response, StringComparison.Ordinal);
        Assert.Contains("X-AspNet-Version: 4.0.30319", sqli.Response, StringComparison.Ordinal);
        Assert.Contains("' AND ", Uri.UnescapeDataString(sqli.Request), StringComparison.Ordinal);
        Assert.Equal("CWE-89", sqli.Finding.Cwe);
        Assert.Contains("6.4.3.3", sqli.Finding.HighRiskCases);
    }

    [Fact]
    public void TimeBasedInjectionIsConfirmedWithShortDelaysOnASteadyEndpoint()
    {
        // Loopback timing noise is far below the 0.5 s floor, so the probes sleep 0.5 s, then 0, 1 s and 0 again to confirm.
        var sqli = portals.VulnerableReport.Findings.Single(f => f.RuleId == "sqli" && f.Technique == "time");
        var timing = sqli.Finding.Evidence["timing"];
        output.WriteLine(timing);
        Assert.Contains("延时0.5s", timing, StringComparison.Ordinal);
        Assert.Contains("延时1s", timing, StringComparison.Ordinal);
        Assert.Contains("SLEEP(0.5)", Uri.UnescapeDataString(sqli.Request), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SoftNotFoundPagesAreNotReportedAsFiles()
    {
        // Both twins answer 200 to any path; the vulnerable one has web.config.bak but not web.config.old or www.zip.
        Assert.DoesNotContain(portals.VulnerableReport.Findings, f => f.Url.EndsWith("/www.zip", StringComparison.Ordinal) || f.Url.EndsWith(".old", StringComparison.Ordinal));
        Assert.DoesNotContain(portals.VulnerableReport.Findings, f => f.Url.EndsWith("/.svn/entries", StringComparison.Ordinal));
    }

    [Fact]
    public void PersonalDataEvidenceIsMaskedEverywhere()
    {
        var patients = portals.Vulnerable.Database.Patients;
        foreach (var f in portals.VulnerableReport.Findings)
        {
            foreach (var value in f.Finding.Evidence.Values)
            {
                foreach (var p in patients)
                {
                    Assert.DoesNotContain(p.ResidentId, value, StringComparison.Ordinal);
                    Assert.DoesNotContain(p.BankCard, value, StringComparison.Ordinal);
                    Assert.DoesNotContain(p.Mobile, value, StringComparison.Ordinal);
                }
            }
        }

        var pii = portals.VulnerableReport.Findings.Single(f => f.RuleId == "pii-exposure");
        Assert.Equal(Severity.High, pii.Severity);
        Assert.Contains("身份证号 4 个", pii.Finding.Evidence["personalData"], StringComparison.Ordinal);
        Assert.Contains("银行卡号 4 个", pii.Finding.Evidence["personalData"], StringComparison.Ordinal);
        Assert.Contains("110105**********", pii.Response, StringComparison.Ordinal);
    }

    [Fact]
    public void TheScannersOwnCredentialsNeverReachEvidence()
    {
        // The login recipe's password (also URL-encoded, as the form sent it) and the session cookie the portal issued.
        var findings = portals.VulnerableReport.Findings.Concat(portals.HardenedReport.Findings).ToList();
        Assert.Contains(findings, f => f.Request.Contains("Cookie: ", StringComparison.Ordinal));
        foreach (var f in findings)
        {
            foreach (var value in f.Finding.Evidence.Values)
            {
                Assert.DoesNotContain("Medguard#2024", value, StringComparison.Ordinal);
                Assert.DoesNotContain("Medguard%232024", value, StringComparison.Ordinal);
                // Every cookie value sent, and the value of every cookie set, is hidden; names and attributes stay.
                Assert.DoesNotMatch(@"(?m)^Cookie: .*=(?!\[已隐去\](;|\r?$))", value);
                Assert.DoesNotMatch(@"(?m)^Set-Cookie: [^=;]+=(?!\[已隐去\])", value);
            }
        }
    }

    [Fact]
    public void CrawlerFoundFormsScriptsJsonAndPathParameters()
    {
        var r = portals.VulnerableReport;
        output.WriteLine($"pages {r.PagesCrawled}, endpoints {r.EndpointsFound}, parameters {r.ParametersTested}, requests {r.Requests}, {r.Duration}");
        Assert.True(r.EndpointsFound >= 10, $"endpoints {r.EndpointsFound}");
        Assert.True(r.ParametersTested >= 10, $"parameters {r.ParametersTested}");
    }

    internal static string Describe(WebScanReport r) =>
        string.Join("\n", r.Findings.Select(f => $"{f.Severity.ToChinese()} {f.RuleId} {f.Method} {f.Url} {f.Parameter} {f.Technique}")) + $"\n{r.Summary}; requests {r.Requests}";
}
