using System.Text.Json;
using MedGuard.TestTargets.HospitalPortal;

namespace MedGuard.Cli.Tests;

/// <summary><c>medguard scan web</c> against the vulnerable hospital portal this test starts on 127.0.0.1.</summary>
public sealed class WebScanCommandTests : IAsyncLifetime
{
    private RunningPortal _portal = null!;
    private string _scope = null!;

    public async Task InitializeAsync()
    {
        _portal = await PortalApp.StartAsync(PortalMode.Vulnerable);
        _scope = Path.Combine(Path.GetTempPath(), $"mg-scope-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(_scope, $"targets:\n  - host: 127.0.0.1\n    ports: [{_portal.BaseUrl.Port}]\n");
    }

    public async Task DisposeAsync()
    {
        File.Delete(_scope);
        await _portal.DisposeAsync();
    }

    [Fact]
    public void JsonHasExactlyTheIssuesShape()
    {
        var recipe = Path.Combine(AppContext.BaseDirectory, "login-recipe.yaml");
        var run = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--login", recipe, "--format", "json", "--rate", "200");
        Assert.True(run.ExitCode == 0, run.Error);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("web", root.GetProperty("detector").GetString());
        Assert.Contains("127.0.0.1", root.GetProperty("scope").GetString(), StringComparison.Ordinal);
        foreach (var key in new[] { "target", "requests", "durationMs", "startedAt", "endedAt", "coverage", "findings", "summary" })
        {
            Assert.True(root.TryGetProperty(key, out _), key);
        }

        Assert.Equal(_portal.BaseUrl.AbsoluteUri, root.GetProperty("target").GetString());
        Assert.True(root.GetProperty("requests").GetInt32() > 50);
        var sqli = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "sqli" && f.GetProperty("parameter").GetString() == "ProductId");
        foreach (var key in new[] { "fingerprint", "ruleId", "title", "severity", "url", "method", "parameter", "technique", "cwe", "evidence" })
        {
            Assert.True(sqli.TryGetProperty(key, out _), key);
        }

        Assert.Equal("web", sqli.GetProperty("targetKind").GetString());
        Assert.Equal("ProductId", sqli.GetProperty("parameter").GetString());
        Assert.Equal("SQL注入", sqli.GetProperty("title").GetString());
        Assert.Equal("高", sqli.GetProperty("severity").GetString());
        Assert.Equal("POST", sqli.GetProperty("method").GetString());
        Assert.Equal("boolean", sqli.GetProperty("technique").GetString());
        Assert.Equal("CWE-89", sqli.GetProperty("cwe").GetString());
        Assert.Equal(["request", "response"], sqli.GetProperty("evidence").EnumerateObject().Select(p => p.Name).Take(2));
        var summary = root.GetProperty("summary");
        Assert.True(summary.GetProperty("pagesCrawled").GetInt32() > 0);
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(findings.Count(f => f.GetProperty("severity").GetString() == "高"), summary.GetProperty("高").GetInt32());
        Assert.Equal(findings.Select(f => f.GetProperty("ruleId").GetString()).Distinct().Count(), summary.GetProperty("kinds").GetInt32());
        foreach (var p in _portal.Database.Patients)
        {
            Assert.DoesNotContain(p.ResidentId, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(p.BankCard, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TableEndsWithTheSeedsSummaryAndSarifIsValid()
    {
        var table = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--passive-only", "--rate", "200");
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains("服务器与框架版本信息泄露", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"共发现 \d+ 种漏洞、\d+ 个漏洞：高危 \d+ 个、中危 \d+ 个、低危 \d+ 个", table.Output);

        var sarif = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--passive-only", "--format", "sarif", "--rate", "200");
        Assert.True(sarif.ExitCode == 0, sarif.Error);
        using var doc = JsonDocument.Parse(sarif.Output);
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results");
        Assert.Contains(results.EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "backup-files" && r.GetProperty("level").GetString() == "error");
    }

    [Fact]
    public void UserTemplatesRunBesideTheBundledOnesAndABrokenOneIsRefusedByName()
    {
        var dir = Directory.CreateTempSubdirectory("mg-templates-");
        try
        {
            // A hospital's own check: its HIS login page must not advertise the vendor's build (a size matcher too).
            File.WriteAllText(Path.Combine(dir.FullName, "his-build-banner.yaml"), """
                id: his-build-banner
                title: 登录页显示 HIS 厂商版本号
                severity: 低
                cwe: CWE-200
                standardRefs: ["L3-CES1-17"]
                requests:
                  - path: /Account/Login
                matchersCondition: and
                matchers:
                  - type: word
                    words: ["医生工作站登录"]
                  - type: size
                    min: 10
                examples:
                  positive:
                    - body: "<h1>医生工作站登录</h1>"
                  negative:
                    - body: "<h1>欢迎</h1>"
                """);
            var run = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--passive-only", "--templates", dir.FullName, "--format", "json", "--rate", "200");
            Assert.True(run.ExitCode == 0, run.Error);
            using var doc = JsonDocument.Parse(run.Output);
            var findings = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
            Assert.Contains("his-build-banner", findings);
            Assert.Contains("backup-files", findings); // the bundled ones still run

            File.WriteAllText(Path.Combine(dir.FullName, "broken.yaml"), "id: broken\ntitle: t\nseverity: 严重\nrequests: [{path: /}]\nmatchers: [{type: status, status: [200]}]\n");
            var refused = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--passive-only", "--templates", dir.FullName);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("broken.yaml", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

            // A well-shaped unit code that is not in the catalog (GB/T 28448 has no L3-CES1-16): refused before any
            // request, naming the file and the line.
            File.Delete(Path.Combine(dir.FullName, "broken.yaml"));
            File.WriteAllText(Path.Combine(dir.FullName, "his-build-banner.yaml"), File.ReadAllText(Path.Combine(dir.FullName, "his-build-banner.yaml")).Replace("L3-CES1-17", "L3-CES1-16", StringComparison.Ordinal));
            var unknown = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--passive-only", "--templates", dir.FullName);
            Assert.NotEqual(0, unknown.ExitCode);
            Assert.Contains("his-build-banner.yaml:5: L3-CES1-16 不在", unknown.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TargetOutsideTheScopeIsRefusedWithOneClearLine()
    {
        var run = CliRun.Of("scan", "web", "--scope", _scope, "--url", $"http://127.0.0.1:{_portal.BaseUrl.Port + 1}/");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("不在授权检测范围内", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);

        var badFormat = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--format", "xml");
        Assert.NotEqual(0, badFormat.ExitCode);
        Assert.Contains("不支持的输出格式", badFormat.Error, StringComparison.Ordinal);

        var missingScope = CliRun.Of("scan", "web", "--scope", "/nonexistent/scope.yaml", "--url", _portal.BaseUrl.AbsoluteUri);
        Assert.NotEqual(0, missingScope.ExitCode);
        Assert.Contains("找不到授权范围文件", missingScope.Error, StringComparison.Ordinal);

        var badRate = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--global-rate", "0");
        Assert.NotEqual(0, badRate.ExitCode);
        Assert.Contains("--global-rate", badRate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badRate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsTwinsDifferOnlyWhereTheCertificateIsBad()
    {
        await using var bad = await PortalApp.StartAsync(PortalMode.Vulnerable, https: true);
        await using var good = await PortalApp.StartAsync(PortalMode.Hardened, https: true);
        var scope = Path.Combine(Path.GetTempPath(), $"mg-scope-{Guid.NewGuid():N}.yaml");
        var ca = Path.Combine(Path.GetTempPath(), $"mg-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(scope, $"targets:\n  - host: 127.0.0.1\n    ports: [{bad.HttpsUrl!.Port}, {good.HttpsUrl!.Port}]\n");
        await File.WriteAllTextAsync(ca, good.TestRoot!.ExportCertificatePem());
        try
        {
            var vulnerable = CliRun.Of("scan", "web", "--scope", scope, "--url", bad.HttpsUrl.AbsoluteUri, "--passive-only", "--format", "json", "--rate", "200");
            Assert.True(vulnerable.ExitCode == 0, vulnerable.Error);
            using var doc = JsonDocument.Parse(vulnerable.Output);
            var rules = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToHashSet();
            Assert.Superset(new HashSet<string?> { "tls-certificate-expired", "tls-certificate-untrusted", "tls-certificate-hostname", "missing-hsts", "cookie-without-secure" }, rules);
            Assert.Contains(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("method").GetString() == "TLS");

            var hardened = CliRun.Of("scan", "web", "--scope", scope, "--url", good.HttpsUrl.AbsoluteUri, "--passive-only", "--format", "json", "--rate", "200", "--trust-root", ca);
            Assert.True(hardened.ExitCode == 0, hardened.Error);
            using var clean = JsonDocument.Parse(hardened.Output);
            Assert.Equal(0, clean.RootElement.GetProperty("findings").GetArrayLength());
        }
        finally
        {
            File.Delete(scope);
            File.Delete(ca);
        }
    }

    [Fact]
    public void WrongLoginIsReportedAsAUserError()
    {
        var recipe = Path.Combine(Path.GetTempPath(), $"mg-login-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(recipe, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "login-recipe.yaml")).Replace("Medguard#2024", "wrong", StringComparison.Ordinal));
        try
        {
            var run = CliRun.Of("scan", "web", "--scope", _scope, "--url", _portal.BaseUrl.AbsoluteUri, "--login", recipe, "--passive-only");
            Assert.Equal(4, run.ExitCode);
            Assert.Contains("登录失败：第 2 步", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(recipe);
        }
    }
}
