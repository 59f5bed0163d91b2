using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Endpoints;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Apk.Rules.Examples;
using MedGuard.Domain.Detection;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>What the app talks to (cleartext endpoints, the servers offered as candidate assets), the keys it carries
/// (masked in every output), and receivers registered in code.</summary>
public class AppTrafficTests
{
    private const string AliyunKey = "LTAI5tQ8x2RkN7pWm3Zc9Hy4";
    private const string TencentId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
    private const string AmapKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private static ApkReport ReportOf(string manifest, string smali)
    {
        var m = AndroidManifest.From(PlainXmlReader.Read(manifest));
        var classes = SmaliSnippet.Assemble(smali);
        var app = new AppModel(m, classes, new ClassHierarchy(classes, RuleCatalog.Default.Framework));
        var (own, library) = new ApkAnalyzer().Evaluate(app, "his.apk");
        return new ApkReport { File = "his.apk", Package = m.Package, Findings = own, LibraryFindings = library };
    }

    [Fact]
    public void Cloud_credentials_and_sdk_keys_are_findings_masked_in_json_and_sarif()
    {
        var report = ReportOf($"""
            <manifest xmlns:android="http://schemas.android.com/apk/res/android" package="cn.hospital.his">
              <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="30"/>
              <application android:allowBackup="false">
                <meta-data android:name="com.amap.api.v2.apikey" android:value="{AmapKey}"/>
              </application>
            </manifest>
            """, $"""
            .class Lcn/hospital/his/Report; extends Ljava/lang/Object;
            .method upload()V
              const-string v0, "{AliyunKey}"
              const-string v1, "{TencentId}"
              return-void
            .end method
            """);
        Assert.Equal(1, report.CountOf("hardcoded_cloud_credentials"));
        Assert.Equal(1, report.CountOf("hardcoded_sdk_keys"));

        var run = new ApkBatchResult([report], []).ToDetectionRun("test");
        var json = DetectionRunJson.Write(run);
        var sarif = DetectionRunSarif.Write(run);
        foreach (var output in new[] { json, sarif, string.Join("\n", report.Findings.SelectMany(f => f.Evidence.Values)) })
        {
            Assert.DoesNotContain(AliyunKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain(AliyunKey[4..18], output, StringComparison.Ordinal);
            Assert.DoesNotContain(TencentId[4..20], output, StringComparison.Ordinal);
            Assert.DoesNotContain(AmapKey, output, StringComparison.Ordinal);
            Assert.DoesNotContain(AmapKey[4..20], output, StringComparison.Ordinal);
        }

        Assert.Contains(SecretMask.Mask(AliyunKey), json, StringComparison.Ordinal);
        Assert.Contains(SecretMask.Mask(AmapKey), json, StringComparison.Ordinal);
        Assert.StartsWith("LTAI****", SecretMask.Mask(AliyunKey), StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_apps_cleartext_server_is_a_finding_and_its_servers_are_candidate_assets()
    {
        var report = TestApks.Report("AndroGoat.apk");
        var cleartext = report.Findings.Single(f => f.RuleId == "cleartext_endpoint");
        Assert.Contains("Lowasp/sat/agoat/TrafficActivity;-><init>()V", cleartext.Locations);
        Assert.Contains(report.Endpoints, e => e.Origin == "http://demo.testfire.net" && e.Cleartext);
        Assert.DoesNotContain(report.Endpoints, e => e.Origin.Contains("schemas.android.com", StringComparison.Ordinal));

        // Offered to the platform with the run, and read back by the importer's reader.
        var run = DetectionRunJson.Read(DetectionRunJson.Write(new ApkBatchResult([report], []).ToDetectionRun("test")));
        Assert.Contains("http://demo.testfire.net", run.Apps.Single().Endpoints);
    }

    [Theory]
    [InlineData("http://his.example.cn/api?x=1", "http://his.example.cn")]
    [InlineData("https://10.1.2.3:8443/pacs/", "https://10.1.2.3:8443")]
    [InlineData("http://schemas.android.com/apk/res/android", null)]
    [InlineData("http://localhost:8080/", null)]
    [InlineData("http://%s/api", null)]
    [InlineData("https://", null)]
    public void Origins_name_real_servers_only(string url, string? origin) => Assert.Equal(origin, EndpointCollector.OriginOf(url));

    private const string Manifest = """
        <manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.ex">
          <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="33"/>
          <application android:allowBackup="false"><activity android:name=".Home" android:exported="false"/></application>
        </manifest>
        """;

    private static string RuntimeReceiver(string register) => $$"""
        .class Lcom/ex/Home; extends Landroid/app/Activity;
        .method onResume()V
          new-instance v0, Lcom/ex/Rx;
          new-instance v1, Landroid/content/IntentFilter;
          {{register}}
          return-void
        .end method
        .class Lcom/ex/Rx; extends Landroid/content/BroadcastReceiver;
        .method onReceive(Landroid/content/Context;Landroid/content/Intent;)V
          const-string v0, "cmd"
          invoke-virtual {p2, v0}, Landroid/content/Intent;->getSerializableExtra(Ljava/lang/String;)Ljava/io/Serializable;
          move-result-object v0
          return-void
        .end method
        """;

    [Fact]
    public void A_receiver_registered_in_code_without_protection_is_checked_for_denial_of_service()
    {
        var report = ReportOf(Manifest, RuntimeReceiver(
            "invoke-virtual {p0, v0, v1}, Lcom/ex/Home;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;)Landroid/content/Intent;"));
        Assert.Equal(1, report.CountOf("dynamic_receiver"));
        Assert.Contains("Lcom/ex/Rx;->onReceive(Landroid/content/Context;Landroid/content/Intent;)V",
            report.Findings.Single(f => f.RuleId == "intent_dos").Locations);
    }

    [Fact]
    public void A_receiver_registered_not_exported_or_with_a_permission_is_not()
    {
        var notExported = ReportOf(Manifest, RuntimeReceiver(
            "const/4 v2, 4\n  invoke-virtual {p0, v0, v1, v2}, Lcom/ex/Home;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;I)Landroid/content/Intent;"));
        var withPermission = ReportOf(Manifest, RuntimeReceiver(
            "const-string v2, \"com.ex.permission.SIGNED\"\n  const/4 v3, 0\n  invoke-virtual {p0, v0, v1, v2, v3}, Lcom/ex/Home;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;Ljava/lang/String;Landroid/os/Handler;)Landroid/content/Intent;"));
        foreach (var report in new[] { notExported, withPermission })
        {
            Assert.Equal(0, report.CountOf("dynamic_receiver"));
            Assert.Equal(0, report.CountOf("intent_dos"));
        }
    }
}
