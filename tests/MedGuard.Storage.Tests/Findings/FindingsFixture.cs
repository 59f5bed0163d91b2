using System.Net;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Security.Protection;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Tests.Infrastructure;

namespace MedGuard.Storage.Tests.Findings;

/// <summary>
/// The sample province plus registered assets: 甲医院's 10.200.0.0/24 (serving HIS) and its booking app, 丙医院's
/// 10.201.0.0/24 (serving PACS), each authorized for ports, web and apk through 2027; and runs made the way the port
/// engine makes them (its converter over host results, its real policy).
/// </summary>
internal static class FindingsFixture
{
    public static readonly DateTimeOffset Day1 = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    public static readonly byte[] Key = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];

    public static Sm4FieldProtector Protector { get; } = new(Key);

    public static FindingImporter Importer { get; } = new(Protector);

    public static ImportOptions Options(DateTimeOffset now, Guid? institution = null) => new() { ImportedBy = "测试导入", Now = now, InstitutionId = institution };

    public sealed record Registered(SampleProvince Province, Asset HospitalNet, Asset BookingApp, Asset PacsNet);

    public static Registered Register(MedGuardDbContext db)
    {
        var p = SampleProvince.WriteTo(db);
        var net = NewAsset(p.A.Id, p.His.Id, AssetKind.Ip, "10.200.0.0/24");
        var app = NewAsset(p.A.Id, p.His.Id, AssetKind.App, "com.hospital.booking");
        var pacs = NewAsset(p.C.Id, p.Pacs.Id, AssetKind.Ip, "10.201.0.0/24");
        db.Assets.AddRange(net, app, pacs);
        db.AssetAuthorizations.AddRange(Authorize(net), Authorize(app), Authorize(pacs));
        db.SaveChanges();
        return new Registered(p, net, app, pacs);
    }

    public static Asset NewAsset(Guid institutionId, Guid? systemId, AssetKind kind, string value) => new()
    {
        InstitutionId = institutionId,
        SystemId = systemId,
        Kind = kind,
        Value = Asset.Normalize(kind, value),
        CreatedAt = Day1.AddDays(-30),
    };

    public static AssetAuthorization Authorize(Asset asset, params string[] detectors) => new()
    {
        AssetId = asset.Id,
        InstitutionId = asset.InstitutionId,
        AuthorizedBy = "院长 王五",
        LetterFileName = "授权书.pdf",
        LetterSha256 = new string('a', 64),
        ValidFrom = new DateOnly(2026, 1, 1),
        ValidUntil = new DateOnly(2027, 12, 31),
        Detectors = detectors.Length == 0 ? ["ports", "web", "apk"] : [.. detectors],
        MaxRatePerHost = 50,
        CreatedAt = Day1.AddDays(-30),
    };

    /// <summary>A port scan of the given hosts (open ports), over ports 1-1024 and 3306, 3389, as the engine converts it.</summary>
    public static DetectionRun PortRun(DateTimeOffset at, params (string Host, int[] Open)[] hosts)
    {
        var results = hosts.Select(h => new HostResult(new ScanTarget(IPAddress.Parse(h.Host)), h.Open.Select(p => new PortResult(p, PortState.Open)), closedCount: 100))
            .ToList();
        var report = ScanReport.Build(results, HighRiskPortPolicy.Default, at).WithRun(at, at.AddMinutes(3), "1-1024,3306,3389");
        return report.ToDetectionRun("scope.txt：10.200.0.0/24、10.201.0.0/24", "10.200.0.2-3 端口 1-1024,3306,3389");
    }

    /// <summary>甲医院's usual shape: 10.200.0.2 with RDP and MySQL open, 10.200.0.3 with telnet.</summary>
    public static DetectionRun UsualRun(DateTimeOffset at) => PortRun(at, ("10.200.0.2", [3389, 3306]), ("10.200.0.3", [23]));

    public static DetectionRun AppRun(DateTimeOffset at, string file, params string[] members) => new()
    {
        DetectorId = "apk",
        DetectorVersion = "1.0.0",
        Scope = "本地文件",
        StartedAt = at,
        EndedAt = at.AddMinutes(1),
        Covered = ["com.hospital.booking"],
        Apps = [new ObservedApp(file, "com.hospital.booking")],
        Findings = [.. members.Select(m => new Finding
        {
            RuleId = "exported_activity",
            Title = "组件导出",
            Severity = Severity.Medium,
            Target = new AppTarget("com.hospital.booking", m) { File = file },
            Locations = [m],
            Evidence = new Dictionary<string, string> { ["code"] = "invoke-virtual " + m },
        })],
    };

    public static DetectionRun WebRun(DateTimeOffset at, string evidence) => new()
    {
        DetectorId = "web",
        DetectorVersion = "1.0.0",
        Scope = "scope.yaml",
        StartedAt = at,
        EndedAt = at.AddMinutes(1),
        Covered = ["http://10.200.0.5"],
        Findings =
        [
            new Finding
            {
                RuleId = "pii_exposure",
                Title = "个人信息泄露",
                Severity = Severity.High,
                Target = new WebTarget("http://10.200.0.5", "/patient/detail", "id") { Method = "GET" },
                Locations = ["GET http://10.200.0.5/patient/detail"],
                Evidence = new Dictionary<string, string> { ["response"] = evidence },
                StandardRefs = ["L3-CES1-17"],
                HighRiskCases = ["6.3.3.1"],
            },
        ],
    };
}
