using System.Text.Json;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Tests;

/// <summary>The one JSON and the one SARIF over a run, whatever the detector (docs/detection-run.md).</summary>
public class DetectionRunWriterTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static DetectionRun Sample() => new()
    {
        DetectorId = "web",
        DetectorVersion = "1.0.0",
        Scope = "scope.yaml：portal.example:443",
        Target = "https://portal.example/",
        StartedAt = Start,
        EndedAt = Start.AddSeconds(42),
        Statistics = new DetectionStatistics { Requests = 812 },
        Coverage = [new CoverageNote("https://portal.example", "爬取达到页面上限（200 个），其余页面未检测")],
        Findings =
        [
            new Finding
            {
                RuleId = "sqli",
                Title = "SQL注入",
                Severity = Severity.High,
                Target = new WebTarget("https://portal.example", "/Products/Detail", "ProductId") { Method = "POST" },
                Locations = ["POST https://portal.example/Products/Detail"],
                Evidence = new Dictionary<string, string> { ["request"] = "POST /Products/Detail", ["response"] = "HTTP/1.1 500" },
                Cwe = "CWE-89",
                StandardRefs = ["L3-ABS1-15"],
                Technique = "boolean",
            },
            new Finding
            {
                RuleId = "high_risk_port",
                Title = "高危端口开放",
                Severity = Severity.High,
                Target = new ServiceTarget("10.200.0.2", 3389),
                HighRiskCases = ["6.4.3.1"],
            },
            new Finding
            {
                RuleId = "addjavascriptinterface",
                Title = "WebView 远程代码执行",
                Severity = Severity.Medium,
                Target = new AppTarget("com.hospital.booking", "Lcom/google/ads/Web;->init()V") { File = "booking.apk" },
                Locations = ["Lcom/google/ads/Web;->init()V"],
                InThirdPartyCode = true,
            },
        ],
        Figures = [new("pagesCrawled", 37)],
    };

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void JsonCarriesSchemaVersionRunFactsAndTypedTargets()
    {
        using var doc = JsonDocument.Parse(DetectionRunJson.Write(Sample()));
        var root = doc.RootElement;
        Assert.Equal(DetectionRun.SchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("web", root.GetProperty("detector").GetString());
        Assert.Equal(42000, root.GetProperty("durationMs").GetInt64());
        Assert.Equal(812, root.GetProperty("requests").GetInt64());
        Assert.False(root.GetProperty("complete").GetBoolean());
        var note = Assert.Single(root.GetProperty("coverage").EnumerateArray());
        Assert.Equal(["subject", "reason"], Keys(note));

        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        var sqli = findings[0];
        foreach (var key in new[] { "fingerprint", "ruleId", "title", "severity", "target", "targetKind", "url", "method", "parameter", "count", "locations", "technique", "cwe", "standardRefs", "evidence" })
        {
            Assert.True(sqli.TryGetProperty(key, out _), key);
        }

        Assert.Equal("https://portal.example/Products/Detail", sqli.GetProperty("url").GetString());
        Assert.Equal("高", sqli.GetProperty("severity").GetString());
        Assert.Equal(Sample().Findings[0].Fingerprint, sqli.GetProperty("fingerprint").GetString());
        Assert.Equal(["request", "response"], Keys(sqli.GetProperty("evidence")));

        var port = findings[1];
        Assert.Equal("service", port.GetProperty("targetKind").GetString());
        Assert.Equal("10.200.0.2:3389", port.GetProperty("target").GetString());
        Assert.Equal(3389, port.GetProperty("port").GetInt32());
        Assert.Equal(1, port.GetProperty("count").GetInt32());
        Assert.False(port.TryGetProperty("url", out _));

        var app = findings[2];
        Assert.Equal("com.hospital.booking", app.GetProperty("package").GetString());
        Assert.True(app.GetProperty("library").GetBoolean());

        // Third-party code is reported, never counted as the app's own.
        var summary = root.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("findings").GetInt32());
        Assert.Equal(2, summary.GetProperty("高").GetInt32());
        Assert.Equal(0, summary.GetProperty("中").GetInt32());
        Assert.Equal(2, summary.GetProperty("kinds").GetInt32());
        Assert.Equal(37, summary.GetProperty("pagesCrawled").GetInt32());
    }

    [Fact]
    public void SarifIs210WithFingerprintsAndCoverageAsNotifications()
    {
        using var doc = JsonDocument.Parse(DetectionRunSarif.Write(Sample()));
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal(3, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(Sample().Findings.Select(f => f.Fingerprint), results.Select(r => r.GetProperty("partialFingerprints").GetProperty(DetectionRunSarif.FingerprintKey).GetString()));
        Assert.Equal(["error", "error", "warning"], results.Select(r => r.GetProperty("level").GetString()));
        Assert.Equal("tcp://10.200.0.2:3389", results[1].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        var app = results[2].GetProperty("locations")[0];
        Assert.Equal("booking.apk", app.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("function", app.GetProperty("logicalLocations")[0].GetProperty("kind").GetString());
        var notification = Assert.Single(run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications").EnumerateArray());
        Assert.Contains("页面上限", notification.GetProperty("message").GetProperty("text").GetString());
    }
}
