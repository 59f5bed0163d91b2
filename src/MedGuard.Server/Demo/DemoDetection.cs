using System.Text;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Security.Protection;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Demo;

/// <summary>
/// The demo hospital's detection picture on a first start: its server range, portal and booking app registered with
/// an authorization each (through <see cref="AssetRegistry"/>), and one synthetic port scan of the range imported
/// through <see cref="FindingImporter"/> — the same paths as the pages, the API and the CLI — so 检测发现 is not empty.
/// The assets serve no 定级对象, so the demo's rectification tasks stay those of its assessments.
/// </summary>
public static class DemoDetection
{
    public const string ServerRange = "10.10.8.0/24";

    public static async Task LoadAsync(DatabaseTarget database, Sm4FieldProtector protector, AuditTrail audit, DateOnly today)
    {
        await using var db = MedGuardContextFactory.Create(database);
        var hospital = await db.Institutions.AsNoTracking().FirstAsync(i => i.Name == DemoProvince.DemoHospitalName);
        var registry = new AssetRegistry();
        var letter = Encoding.UTF8.GetBytes($"{hospital.Name}网络安全检测授权书（演示数据，非真实文件）");
        NewAuthorization Authorization(params string[] detectors) => new()
        {
            AssetId = Guid.Empty,
            AuthorizedBy = $"{hospital.Name} 信息中心",
            ValidFrom = today.AddDays(-30),
            ValidUntil = today.AddDays(335),
            Detectors = detectors,
            AllowedWindow = "00:00-06:00",
            MaxRatePerHost = 50,
            LetterFileName = "检测授权书（演示）.pdf",
            Letter = letter,
        };

        await registry.RegisterAsync(db, new NewAsset { InstitutionId = hospital.Id, Kind = AssetKind.Ip, Value = ServerRange, Name = "院内服务器网段", Zone = NetworkZone.Demo }, Authorization("ports"));
        await registry.RegisterAsync(db, new NewAsset { InstitutionId = hospital.Id, Kind = AssetKind.Origin, Value = "https://portal.demo-hospital.cn", Name = "医院门户网站", Zone = NetworkZone.Demo }, Authorization("ports", "web"));
        await registry.RegisterAsync(db, new NewAsset { InstitutionId = hospital.Id, Kind = AssetKind.App, Value = "cn.demo.hospital.booking", Name = "掌上医院 App", Zone = NetworkZone.Demo }, Authorization("apk"));

        // The demo assets sit in the demo zone: a campaign over them is refused before any packet (the addresses are made up).
        // A night-time scan (within the authorized window) of two servers of the range.
        var started = new DateTimeOffset(today.ToDateTime(new TimeOnly(1, 0)), ChinaStandardTime.Offset);
        Finding Open(string host, int port, string rule, string title, Severity severity, string reference, string? highRisk = null, string? evidence = null) => new()
        {
            RuleId = rule,
            Title = title,
            Severity = severity,
            Target = new ServiceTarget(host, port),
            Locations = [$"{host}:{port}"],
            Evidence = evidence is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["banner"] = evidence },
            StandardRefs = [reference],
            HighRiskCases = highRisk is null ? [] : [highRisk],
            Remediation = "关闭该端口的互联网访问，或仅允许运维地址访问并启用强认证",
        };
        var run = new DetectionRun
        {
            DetectorId = "ports",
            DetectorVersion = "1.0.0",
            Scope = ServerRange,
            StartedAt = started,
            EndedAt = started.AddMinutes(40),
            Covered = ["10.10.8.21", "10.10.8.35"],
            PortsScanned = "1-65535",
            Findings =
            [
                Open("10.10.8.21", 3389, "ports.rdp-exposed", "远程桌面（RDP）对外开放", Severity.High, "L3-CES1-01", "6.4.1.1"),
                Open("10.10.8.21", 1433, "ports.mssql-exposed", "数据库端口（SQL Server）对外开放", Severity.Medium, "L3-CES1-01"),
                Open("10.10.8.35", 6379, "ports.redis-unauthenticated", "Redis 未授权访问", Severity.High, "L3-CES1-01", "6.4.1.1",
                    "KEYS * → patient:1024 {\"患者姓名\":\"李四\",\"手机\":\"13900001111\"}（演示数据）"),
                Open("10.10.8.35", 22, "ports.ssh-open", "SSH 服务对外开放", Severity.Low, "L3-CES1-01"),
            ],
        };
        var result = await new FindingImporter(protector).ImportAsync(db, run, new ImportOptions
        {
            InstitutionId = hospital.Id,
            ImportedBy = "演示数据",
            Now = started.AddHours(1),
        });
        await audit.RecordAsync(new AuditEvent("demo-load", "DetectionImport", result.Institutions[0].ImportId.ToString(),
            $"载入演示检测数据：{hospital.Name} 3 个资产及授权，1 次端口检测，新发现 {result.New} 项"));
    }
}
