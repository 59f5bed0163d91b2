using System.Text;
using MedGuard.Detection.Apk;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Providers;

namespace MedGuard.Server.Tests;

/// <summary>Assets with their authorization written straight into the platform's database, and detection runs to import.</summary>
internal static class FindingsData
{
    /// <summary>An asset of <paramref name="institutionId"/> with an authorization for <paramref name="detectors"/> valid 30 days back and a year ahead.</summary>
    public static async Task<Guid> RegisterAssetAsync(PlatformFixture platform, Guid institutionId, AssetKind kind, string value, Guid? systemId, params string[] detectors)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var asset = new Asset { InstitutionId = institutionId, SystemId = systemId, Kind = kind, Value = Asset.Normalize(kind, value), Name = "测试资产 " + value, CreatedAt = DateTimeOffset.UtcNow };
        db.Assets.Add(asset);
        var today = ChinaToday();
        db.AssetAuthorizations.Add(new AssetAuthorization
        {
            AssetId = asset.Id,
            InstitutionId = institutionId,
            AuthorizedBy = "信息科 王主任",
            LetterFileName = "授权书.pdf",
            LetterSha256 = new string('a', 64),
            ValidFrom = today.AddDays(-30),
            ValidUntil = today.AddDays(365),
            Detectors = [.. detectors],
            MaxRatePerHost = 10,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return asset.Id;
    }

    public static DateOnly ChinaToday() => MedGuard.Domain.Platform.ChinaStandardTime.DateOf(DateTimeOffset.UtcNow);

    /// <summary>A port scan of one host (ports 1-65535 covered) with the given open-port findings.</summary>
    public static DetectionRun PortRun(string host, params (int Port, string Rule, Severity Severity, string? Evidence)[] open)
    {
        var now = DateTimeOffset.UtcNow;
        return new DetectionRun
        {
            DetectorId = "ports",
            DetectorVersion = "1.0.0",
            Scope = host,
            StartedAt = now.AddMinutes(-2),
            EndedAt = now.AddMinutes(-1),
            Covered = [host],
            PortsScanned = "1-65535",
            Findings = [.. open.Select(o => new Finding
            {
                RuleId = o.Rule,
                Title = $"{o.Port} 端口对外开放（{o.Rule}）",
                Severity = o.Severity,
                Target = new ServiceTarget(host, o.Port),
                Locations = [$"{host}:{o.Port}"],
                Evidence = o.Evidence is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["banner"] = o.Evidence },
                Cwe = "CWE-200",
                StandardRefs = ["L3-CES1-01"],
                HighRiskCases = o.Severity == Severity.High ? ["6.4.1.1"] : [],
                Remediation = "关闭该端口或限制来源地址",
            })],
        };
    }

    public static byte[] Json(DetectionRun run) => Encoding.UTF8.GetBytes(DetectionRunJson.Write(run));

    public static ByteArrayContent JsonContent(DetectionRun run)
    {
        var content = new ByteArrayContent(Json(run));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    public static MultipartFormDataContent FileContent(string fieldName, string fileName, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        form.Add(file, fieldName, fileName);
        return form;
    }

    /// <summary>An app run of <paramref name="package"/> with no findings and the servers it talks to (<c>apps[].endpoints</c>).</summary>
    public static DetectionRun AppRun(string package, params string[] endpoints)
    {
        var now = DateTimeOffset.UtcNow;
        return new DetectionRun
        {
            DetectorId = "apk",
            DetectorVersion = "1.0.0",
            Scope = "本地 APK 文件",
            StartedAt = now.AddMinutes(-2),
            EndedAt = now.AddMinutes(-1),
            Covered = [package],
            Apps = [new ObservedApp(package + ".apk", package) { Endpoints = endpoints }],
        };
    }

    /// <summary><c>apk analyze</c> of one test APK, in-process as the CLI runs it: the run and the app's package.</summary>
    public static (DetectionRun Run, string Package) ApkRun(string fileName)
    {
        var path = Path.Combine(SharedTestData, "apk", fileName);
        var result = ApkBatchAnalyzer.Run(new ApkAnalyzer(), [path], parallelism: 1);
        Assert.Empty(result.Errors);
        return (result.ToDetectionRun("本地 APK 文件（离线读取，不发送网络请求）"), result.Apps.Single().Package);
    }

    /// <summary>../shared/testdata beside the clone (MEDGUARD_ROOT, or walking up from the test assembly); missing data fails, never skips.</summary>
    public static string SharedTestData
    {
        get
        {
            var candidates = new List<string>();
            if (Environment.GetEnvironmentVariable("MEDGUARD_ROOT") is { Length: > 0 } root)
            {
                candidates.Add(Path.Combine(root, "..", "shared", "testdata"));
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                candidates.Add(Path.Combine(dir.FullName, "shared", "testdata"));
                candidates.Add(Path.Combine(dir.FullName, "..", "shared", "testdata"));
            }

            return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "apk", "SOURCES.md"))) is { } found
                ? Path.GetFullPath(found)
                : throw new InvalidOperationException("找不到测试数据（../shared/testdata，应在仓库克隆旁）。请设置 MEDGUARD_ROOT 或运行 ./test.sh");
        }
    }
}
