using System.Text.Json;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>An APK batch as a <see cref="DetectionRun"/>: the shared JSON and SARIF, and identities that survive a rename.</summary>
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

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Json_is_the_shared_run_with_apps_findings_per_location_and_unreadable_files_as_coverage()
    {
        var batch = Batch();
        using var doc = JsonDocument.Parse(DetectionRunJson.Write(batch.ToDetectionRun("本地文件")));
        var root = doc.RootElement;
        Assert.Equal(DetectionRun.SchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("apk", root.GetProperty("detector").GetString());
        Assert.Equal(3, root.GetProperty("files").GetInt32());
        var app = root.GetProperty("apps")[0];
        Assert.Equal(["file", "package", "versionName", "minSdk", "targetSdk", "debuggable"], Keys(app)); // no servers in UnCrackable: no endpoints key
        Assert.Equal("UnCrackable-Level1.apk", app.GetProperty("file").GetString());
        Assert.Equal(19, app.GetProperty("minSdk").GetInt32());
        Assert.False(app.GetProperty("debuggable").GetBoolean());

        // One finding per rule × location, as many as the engine's locations.
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        var crypto = findings.Where(f => f.GetProperty("ruleId").GetString() == "weak_crypto" && f.GetProperty("file").GetString() == "UnCrackable-Level1.apk").ToList();
        Assert.Equal(batch.Apps[0].CountOf("weak_crypto"), crypto.Count);
        Assert.All(crypto, f =>
        {
            Assert.Equal("app", f.GetProperty("targetKind").GetString());
            Assert.Equal(batch.Apps[0].Package, f.GetProperty("package").GetString());
            Assert.Equal("Android弱加密风险", f.GetProperty("title").GetString());
            Assert.Equal("中", f.GetProperty("severity").GetString());
            Assert.Equal(1, f.GetProperty("count").GetInt32());
            Assert.Equal(f.GetProperty("member").GetString(), Assert.Single(f.GetProperty("locations").EnumerateArray()).GetString());
        });

        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "exported_activity" && f.GetProperty("member").GetString() == "Lcom/android/insecurebankv2/PostLogin;");
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "addjavascriptinterface" && f.GetProperty("library").GetBoolean());
        Assert.Equal(findings.Count, findings.Select(f => f.GetProperty("fingerprint").GetString()).Distinct().Count());

        var note = Assert.Single(root.GetProperty("coverage").EnumerateArray());
        Assert.Equal("b.apk", note.GetProperty("subject").GetString());
        Assert.Contains("不是 ZIP/APK", note.GetProperty("reason").GetString());
        Assert.False(root.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public void Sarif_is_2_1_0_with_rules_results_and_logical_locations()
    {
        using var ms = new MemoryStream();
        DetectionRunSarif.Write(Batch().ToDetectionRun("本地文件"), ms);
        using var doc = JsonDocument.Parse(ms.ToArray());
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.All(rules.EnumerateArray(), r => Assert.StartsWith("CWE-", r.GetProperty("properties").GetProperty("cwe").GetString()));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        var send = results.First(r => r.GetProperty("ruleId").GetString() == "send_broadcast_leak" && !r.GetProperty("properties").GetProperty("library").GetBoolean());
        Assert.Equal("note", send.GetProperty("level").GetString());
        var location = send.GetProperty("locations")[0];
        Assert.Equal("InsecureBankv2.apk", location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("function", location.GetProperty("logicalLocations")[0].GetProperty("kind").GetString());
        Assert.All(results, r => Assert.Contains(r.GetProperty("level").GetString(), new[] { "error", "warning", "note" }));
        var notification = Assert.Single(run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications").EnumerateArray());
        Assert.Contains("b.apk", notification.GetProperty("message").GetProperty("text").GetString());
    }

    [Fact]
    public void Covered_names_the_packages_read_and_no_unreadable_file()
    {
        var batch = Batch();
        var run = batch.ToDetectionRun("本地文件");
        Assert.NotEmpty(batch.Errors);
        Assert.Equal(batch.Apps.Select(a => a.Package).Distinct(), run.Covered);
        Assert.DoesNotContain(run.Covered!, c => batch.Errors.Any(e => e.File == c));
        Assert.True(run.Covers(new AppTarget(batch.Apps[0].Package, "Lanything;")));
    }

    [Fact]
    public void A_renamed_apk_keeps_every_fingerprint()
    {
        var dir = Directory.CreateTempSubdirectory("medguard-apk-rename-");
        try
        {
            var renamed = Path.Combine(dir.FullName, "挂号客户端-新版.apk");
            File.Copy(TestApks.PathOf("InsecureBankv2.apk"), renamed);
            var analyzer = new ApkAnalyzer();
            var original = ApkBatchAnalyzer.Run(analyzer, [TestApks.PathOf("InsecureBankv2.apk")]).ToDetectionRun("本地文件");
            var copy = ApkBatchAnalyzer.Run(analyzer, [renamed]).ToDetectionRun("本地文件");
            Assert.NotEmpty(original.Findings);
            Assert.Equal(original.Findings.Select(f => f.Fingerprint), copy.Findings.Select(f => f.Fingerprint));
            Assert.All(copy.Findings, f => Assert.Equal("挂号客户端-新版.apk", Assert.IsType<AppTarget>(f.Target).File));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
