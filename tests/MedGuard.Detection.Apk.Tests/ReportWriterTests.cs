using System.Text.Json;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Detection.Apk.Rules;

namespace MedGuard.Detection.Apk.Tests;

public class ReportWriterTests
{
    private static ApkBatchResult Batch()
    {
        var dir = Directory.CreateTempSubdirectory("medguard-apk-json-");
        var broken = Path.Combine(dir.FullName, "b.apk");
        File.WriteAllText(broken, "not a zip");
        try
        {
            return ApkBatchAnalyzer.Run(new ApkAnalyzer(), [TestApks.PathOf("UnCrackable-Level1.apk"), TestApks.PathOf("InsecureBankv2.apk"), broken]);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Json_has_exactly_the_issue_shape()
    {
        using var ms = new MemoryStream();
        ApkJsonWriter.Write(ms, Batch());
        using var doc = JsonDocument.Parse(ms.ToArray());
        var root = doc.RootElement;
        Assert.Equal(["apps", "errors"], Keys(root));
        var app = root.GetProperty("apps")[0];
        Assert.Equal(["file", "package", "versionName", "minSdk", "targetSdk", "debuggable", "findings", "libraryFindings"], Keys(app));
        Assert.Equal("UnCrackable-Level1.apk", app.GetProperty("file").GetString());
        Assert.Equal(19, app.GetProperty("minSdk").GetInt32());
        Assert.False(app.GetProperty("debuggable").GetBoolean());
        var finding = app.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "weak_crypto");
        Assert.Equal(["ruleId", "title", "severity", "count", "locations"], Keys(finding));
        Assert.Equal("Android弱加密风险", finding.GetProperty("title").GetString());
        Assert.Equal("中", finding.GetProperty("severity").GetString());
        Assert.Equal(finding.GetProperty("locations").GetArrayLength(), finding.GetProperty("count").GetInt32());

        var bank = root.GetProperty("apps")[1];
        var activities = bank.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "exported_activity");
        Assert.Contains("Lcom/android/insecurebankv2/PostLogin;", activities.GetProperty("locations").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains(bank.GetProperty("libraryFindings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "addjavascriptinterface");

        var error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal(["file", "error"], Keys(error));
        Assert.Equal("b.apk", error.GetProperty("file").GetString());
        Assert.Contains("不是 ZIP/APK", error.GetProperty("error").GetString());
    }

    [Fact]
    public void Sarif_is_2_1_0_with_rules_results_and_logical_locations()
    {
        using var ms = new MemoryStream();
        ApkSarifWriter.Write(ms, Batch(), RuleCatalog.Default);
        using var doc = JsonDocument.Parse(ms.ToArray());
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.Equal(RuleCatalog.Default.Rules.Count, rules.GetArrayLength());
        Assert.All(rules.EnumerateArray(), r => Assert.StartsWith("CWE-", r.GetProperty("properties").GetProperty("cwe").GetString()));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var send = results.Single(r => r.GetProperty("ruleId").GetString() == "send_broadcast_leak" && !r.GetProperty("properties").GetProperty("library").GetBoolean());
        Assert.Equal("note", send.GetProperty("level").GetString());
        var location = send.GetProperty("locations")[0];
        Assert.Equal("InsecureBankv2.apk", location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("function", location.GetProperty("logicalLocations")[0].GetProperty("kind").GetString());
        Assert.All(results, r => Assert.Contains(r.GetProperty("level").GetString(), new[] { "error", "warning", "note" }));
        var invocation = run.GetProperty("invocations")[0];
        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Single(invocation.GetProperty("toolExecutionNotifications").EnumerateArray());
    }
}
