using System.Diagnostics;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Bulk;

/// <summary>What <see cref="NationalDataset"/> wrote, and how long each table took.</summary>
public sealed record NationalDatasetResult(double Scale, IReadOnlyDictionary<string, long> Rows, IReadOnlyDictionary<string, TimeSpan> Times, TimeSpan Total);

/// <summary>
/// 全国规模演示数据 (issue 16 §5): about 39,000 hospitals in the real tier mix (1,900 三甲, 4,100 三级, 12,300 二级, the
/// rest 一级), 200,000 定级对象, 500,000 assets and 2,000,000 findings over two campaigns, everything multiplied by
/// <c>scale</c> (tests use a tiny one). Deterministic for a seed. Written with raw ADO.NET (<see cref="BulkWriter"/>:
/// PostgreSQL binary COPY, SQLite prepared INSERTs in one transaction per table) — not through EF, the tenant guard
/// or the audit chain: it is generated data for the dashboard and its benchmark, on an empty migrated database.
/// </summary>
public static class NationalDataset
{
    public const int Hospitals = 39_000;

    private static readonly (HospitalTier Tier, int Count, int Systems, int Assets, int Findings)[] Mix =
    [
        (HospitalTier.TertiaryA, 1_900, 14, 30, 90),
        (HospitalTier.Tertiary, 4_100, 9, 20, 65),
        (HospitalTier.Secondary, 12_300, 5, 12, 50),
        (HospitalTier.Primary, 20_700, 4, 9, 44),
    ];

    private static readonly BusinessKind[] Businesses =
        [BusinessKind.His, BusinessKind.Emr, BusinessKind.Lis, BusinessKind.Pacs, BusinessKind.Portal, BusinessKind.MobileApp, BusinessKind.WeChat, BusinessKind.Platform, BusinessKind.Other];

    private static readonly (int Port, Severity Severity, string Title)[] PortKinds =
    [
        (3389, Severity.High, "远程桌面（RDP）对外开放"), (6379, Severity.High, "Redis 未授权访问"), (1433, Severity.Medium, "数据库端口（SQL Server）对外开放"),
        (3306, Severity.Medium, "数据库端口（MySQL）对外开放"), (22, Severity.Low, "SSH 服务对外开放"), (21, Severity.Low, "FTP 服务对外开放"),
        (8080, Severity.Low, "管理端口对外开放"), (445, Severity.High, "SMB 服务对外开放"),
    ];

    private static readonly (string Title, Severity Severity)[] WebKinds =
    [
        ("SQL 注入", Severity.High), ("跨站脚本（XSS）", Severity.Medium), ("敏感信息泄露（响应中的个人信息）", Severity.High), ("目录遍历", Severity.High),
        ("弱口令登录", Severity.High), ("服务器版本信息泄露", Severity.Low), ("缺少安全响应头", Severity.Low), ("Cookie 未设置 HttpOnly", Severity.Low),
        ("明文传输登录口令", Severity.Medium), ("点击劫持", Severity.Low), ("过期的 TLS 版本", Severity.Medium), ("错误页面泄露服务器信息", Severity.Low),
    ];

    private static readonly (string Title, Severity Severity)[] LogicKinds =
    [
        ("黄牛抢号（号源可被批量抢占）", Severity.High), ("可预约未开放日期的号源", Severity.Medium), ("错误页面泄露服务器信息", Severity.Low), ("取消任意预约挂号", Severity.High),
    ];

    private static readonly string[] Detectors = ["ports", "web", "apk", "logic"];

    /// <summary>Generates into an empty database (migrated first). <paramref name="scale"/> 1 is the national size.</summary>
    public static async Task<NationalDatasetResult> GenerateAsync(DatabaseTarget target, double scale, DateOnly today, int seed = 16, TextWriter? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (scale is <= 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "规模系数应在 0 与 10 之间");
        }

        var total = Stopwatch.StartNew();
        await using var db = MedGuardContextFactory.CreateMigrated(target, TenantScope.System, today);
        if (await db.Institutions.AnyAsync(ct))
        {
            throw new InvalidOperationException("数据库中已有机构：全国规模数据只写入空数据库");
        }

        var plan = Plan(scale, today, seed);
        var rows = new Dictionary<string, long>();
        var times = new Dictionary<string, TimeSpan>();
        async Task Write<T>(string name, IEnumerable<T> items)
            where T : class
        {
            var watch = Stopwatch.StartNew();
            rows[name] = await BulkWriter.WriteAsync(db, items, ct);
            times[name] = watch.Elapsed;
            log?.WriteLine($"{name}: {rows[name]} 行，{watch.Elapsed.TotalSeconds:0.0} 秒");
        }

        await Write("institutions", plan.Institutions);
        await Write("systems", plan.Systems);
        await Write("gradings", plan.Systems.Where(s => s.Grading is not null).Select(s => s.Grading!));
        await Write("filings", plan.Systems.Where(s => s.Filing is not null).Select(s => s.Filing!));
        await Write("assets", plan.Assets.SelectMany(a => a));
        await Write("campaigns", plan.Campaigns);
        await Write("rounds", plan.Rounds);
        await Write("imports", plan.Imports);
        // Findings first: their pass counts what each task's run found new, fixed and still open (the tasks keep
        // those counts, as the job engine writes them at import).
        await Write("findings", plan.Findings().Select(f => f.Finding));
        await Write("sightings", plan.Findings().SelectMany(f => f.Sightings));
        await Write("tasks", plan.Tasks);
        // The sector pre-aggregate, counted from what was just written (the importer keeps it on real imports).
        var tally = Stopwatch.StartNew();
        await SectorTallies.RebuildAsync(db, ct);
        times["sector tallies"] = tally.Elapsed;
        rows["sector tallies"] = await db.SectorTallies.LongCountAsync(ct) + await db.SectorPlaceTallies.LongCountAsync(ct);
        log?.WriteLine($"sector tallies: {rows["sector tallies"]} 行，{tally.Elapsed.TotalSeconds:0.0} 秒");
        // Fresh statistics, so both planners pick the new indexes for the aggregates at once.
        await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);

        return new NationalDatasetResult(scale, rows, times, total.Elapsed);
    }

    private sealed record Planned(
        List<Institution> Institutions,
        List<ProtectedSystem> Systems,
        List<List<Asset>> Assets,
        List<Campaign> Campaigns,
        List<CampaignRound> Rounds,
        List<DetectionImport> Imports,
        List<CampaignTask> Tasks,
        Func<IEnumerable<(FindingRecord Finding, List<FindingSighting> Sightings)>> Findings);

    private static Guid NextGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, as Guid.NewGuid
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static Planned Plan(double scale, DateOnly today, int seed)
    {
        var random = new Random(seed);
        var counties = AdministrativeRegions.Codes.Where(c => c.Length == 6 && !c.EndsWith("00", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var now = new DateTimeOffset(today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
        var firstRun = now.AddDays(-200);
        var secondRun = now.AddDays(-20);

        var institutions = new List<Institution>();
        var tiers = new List<(int Systems, int Assets, int Findings)>();
        foreach (var mix in Mix)
        {
            var count = Math.Max(1, (int)Math.Round(mix.Count * scale));
            for (var i = 0; i < count; i++)
            {
                var number = institutions.Count + 1;
                var survey = new InstitutionSurvey
                {
                    SecurityStaffCount = random.Next(mix.Tier == HospitalTier.TertiaryA ? 2 : 0, mix.Tier == HospitalTier.TertiaryA ? 12 : 7),
                    PersonalDataRecords = (long)(random.NextDouble() * (mix.Tier switch { HospitalTier.TertiaryA => 4_000_000, HospitalTier.Tertiary => 2_600_000, HospitalTier.Secondary => 2_000_000, _ => 600_000 })),
                    UsesCryptoDevices = random.NextDouble() < 0.45,
                    UsesCryptoAlgorithms = random.NextDouble() < 0.5,
                    UsesDomesticCryptoProducts = random.NextDouble() < 0.27,
                    UsesDomesticOperatingSystem = random.NextDouble() < 0.2,
                    UsesDomesticDatabase = random.NextDouble() < 0.15,
                    UsesDomesticMiddleware = random.NextDouble() < 0.18,
                    LacksProfessionals = random.NextDouble() < 0.628,
                };
                institutions.Add(new Institution
                {
                    Id = NextGuid(random),
                    Name = $"全国演示医院{number:D5}（{mix.Tier.ToChinese()}）",
                    Tier = mix.Tier,
                    Region = counties[random.Next(counties.Length)],
                    Survey = survey,
                });
                tiers.Add((mix.Systems, mix.Assets, mix.Findings));
            }
        }

        var systems = new List<ProtectedSystem>();
        var assets = new List<List<Asset>>();
        for (var n = 0; n < institutions.Count; n++)
        {
            var institution = institutions[n];
            var (systemCount, assetCount, _) = tiers[n];
            var gradedShare = institution.Tier switch { HospitalTier.TertiaryA => 0.58, HospitalTier.Tertiary => 0.46, HospitalTier.Secondary => 0.38, _ => 0.3 };
            for (var s = 0; s < systemCount; s++)
            {
                var business = Businesses[s % Businesses.Length];
                var system = new ProtectedSystem
                {
                    Id = NextGuid(random),
                    InstitutionId = institution.Id,
                    Name = $"{business}系统{s + 1}",
                    Business = business,
                    IsCore = business is BusinessKind.His or BusinessKind.Emr or BusinessKind.Lis or BusinessKind.Pacs,
                    InternetFacing = business is BusinessKind.Portal or BusinessKind.MobileApp or BusinessKind.WeChat,
                };
                if (random.NextDouble() < gradedShare)
                {
                    var level3 = business == BusinessKind.His
                        ? random.NextDouble() < institution.Tier switch { HospitalTier.TertiaryA => 0.9, HospitalTier.Tertiary => 0.24, _ => 0.1 }
                        : random.NextDouble() < 0.3;
                    var level = level3 ? ProtectionLevel.Level3 : ProtectionLevel.Level2;
                    system.Grading = new GradingRecord
                    {
                        Id = NextGuid(random),
                        SystemId = system.Id,
                        BusinessInformationLevel = level,
                        SystemServiceLevel = level,
                        Level = level,
                        GradedOn = today.AddDays(-random.Next(30, 900)),
                        ExpertReviewed = true,
                        SupervisorApproved = true,
                    };
                    if (random.NextDouble() < 0.9)
                    {
                        system.Filing = new FilingRecord
                        {
                            Id = NextGuid(random),
                            SystemId = system.Id,
                            FiledOn = system.Grading.GradedOn.AddDays(20),
                            CertificateNumber = $"{institution.Region}-{n:D5}-{s:D2}",
                            CertificateIssuedOn = system.Grading.GradedOn.AddDays(40),
                        };
                    }
                }

                systems.Add(system);
            }

            var own = new List<Asset>();
            var created = now.AddDays(-400);
            own.Add(new Asset { Id = NextGuid(random), InstitutionId = institution.Id, Kind = AssetKind.Origin, Value = $"https://www.h{n:D5}.example.cn", Name = "门户网站", CreatedAt = created });
            own.Add(new Asset { Id = NextGuid(random), InstitutionId = institution.Id, Kind = AssetKind.Origin, Value = $"https://yy.h{n:D5}.example.cn", Name = "预约网站", CreatedAt = created });
            own.Add(new Asset { Id = NextGuid(random), InstitutionId = institution.Id, Kind = AssetKind.App, Value = $"cn.example.h{n:D5}", Name = "掌上医院 App", CreatedAt = created });
            own.Add(new Asset { Id = NextGuid(random), InstitutionId = institution.Id, Kind = AssetKind.Account, Value = $"h{n:D5}-wx", Name = "微信公众号", CreatedAt = created });
            for (var a = own.Count; a < assetCount; a++)
            {
                own.Add(new Asset { Id = NextGuid(random), InstitutionId = institution.Id, Kind = AssetKind.Ip, Value = $"10.{n / 256 % 256}.{n % 256}.{a}", CreatedAt = created });
            }

            assets.Add(own);
        }

        var campaigns = new List<Campaign>
        {
            new() { Id = NextGuid(random), Name = "全国医疗机构远程检测（上半年）", CreatedBy = "全国演示数据", CreatedAt = firstRun.AddDays(-1), Detectors = [.. Detectors], Status = CampaignStatus.Completed, RoundCount = 1 },
            new() { Id = NextGuid(random), Name = "全国医疗机构远程检测（下半年）", CreatedBy = "全国演示数据", CreatedAt = secondRun.AddDays(-1), Detectors = [.. Detectors], Status = CampaignStatus.Completed, RoundCount = 1 },
        };
        var rounds = campaigns.Select((c, i) => new CampaignRound { Id = NextGuid(random), CampaignId = c.Id, Number = 1, StartedAt = i == 0 ? firstRun : secondRun, FinishedAt = (i == 0 ? firstRun : secondRun).AddHours(6), Status = CampaignRoundStatus.Completed }).ToList();
        var imports = new List<DetectionImport>();
        var tasks = new List<CampaignTask>();
        var importOf = new Dictionary<(int Institution, int Campaign, string Detector), Guid>();
        var taskOf = new Dictionary<Guid, CampaignTask>();
        for (var n = 0; n < institutions.Count; n++)
        {
            for (var c = 0; c < campaigns.Count; c++)
            {
                var at = c == 0 ? firstRun : secondRun;
                foreach (var detector in Detectors)
                {
                    var asset = assets[n].First(a => a.Kind == detector switch { "web" => AssetKind.Origin, "apk" => AssetKind.App, "logic" => AssetKind.Account, _ => AssetKind.Ip });
                    var task = new CampaignTask
                    {
                        Id = NextGuid(random),
                        CampaignId = campaigns[c].Id,
                        RoundId = rounds[c].Id,
                        InstitutionId = institutions[n].Id,
                        AssetId = asset.Id,
                        Detector = detector,
                        Status = CampaignTaskStatus.Succeeded,
                        Attempts = 1,
                        CreatedAt = at,
                        StartedAt = at,
                        FinishedAt = at.AddMinutes(30),
                    };
                    var import = new DetectionImport
                    {
                        Id = NextGuid(random),
                        InstitutionId = institutions[n].Id,
                        RunDigest = Convert.ToHexStringLower(NextGuid(random).ToByteArray()) + Convert.ToHexStringLower(NextGuid(random).ToByteArray()),
                        Sequence = c + 1,
                        Detector = detector,
                        DetectorVersion = "1.0.0",
                        StartedAt = at,
                        EndedAt = at.AddMinutes(30),
                        ImportedAt = at.AddMinutes(31),
                        ImportedBy = "全国演示数据",
                        Scope = asset.Value,
                        Complete = true,
                        CampaignTaskId = task.Id,
                    };
                    task.ImportId = import.Id;
                    imports.Add(import);
                    tasks.Add(task);
                    importOf[(n, c, detector)] = import.Id;
                    taskOf[import.Id] = task;
                }
            }
        }

        var counted = false;
        IEnumerable<(FindingRecord, List<FindingSighting>)> Findings()
        {
            var count = !counted;
            counted = true;
            for (var n = 0; n < institutions.Count; n++)
            {
                // One generator per institution: both passes (findings, then sightings) draw the same rows.
                var r = new Random(unchecked((seed * 1_000_003) + n));
                var institution = institutions[n];
                var own = assets[n];
                var hosts = own.Where(a => a.Kind == AssetKind.Ip).ToList();
                var webs = own.Where(a => a.Kind == AssetKind.Origin).ToList();
                var app = own.First(a => a.Kind == AssetKind.App);
                var account = own.First(a => a.Kind == AssetKind.Account);
                var findings = (int)Math.Round(tiers[n].Findings * r.NextDouble() * 2);
                for (var j = 0; j < findings; j++)
                {
                    var roll = r.NextDouble();
                    var detector = roll < 0.4 ? "ports" : roll < 0.75 ? "web" : roll < 0.95 ? "apk" : "logic";
                    var f = new FindingRecord
                    {
                        Id = new Guid(r.Next(), (short)r.Next(), (short)r.Next(), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256), (byte)r.Next(256)),
                        InstitutionId = institution.Id,
                        Detector = detector,
                        RuleId = detector,
                        Title = "",
                        Fingerprint = $"{detector}:{j}",
                        TargetKind = "",
                        TargetDisplay = "",
                    };
                    switch (detector)
                    {
                        case "ports":
                            var host = hosts[j % hosts.Count];
                            var kind = PortKinds[(j / hosts.Count) % PortKinds.Length];
                            (f.AssetId, f.Title, f.Severity, f.RuleId) = (host.Id, kind.Title, kind.Severity, $"ports.{kind.Port}");
                            f.SetTarget(new ServiceTarget(host.Value, kind.Port));
                            break;
                        case "web":
                            var web = webs[j % webs.Count];
                            var w = WebKinds[r.Next(WebKinds.Length)];
                            (f.AssetId, f.Title, f.Severity, f.RuleId) = (web.Id, w.Title, w.Severity, "web.kind");
                            f.SetTarget(new WebTarget(web.Value, $"/page{j}", null));
                            break;
                        case "apk":
                            var title = ApkRiskKinds.Titles[r.Next(ApkRiskKinds.Titles.Count)];
                            (f.AssetId, f.Title, f.Severity, f.RuleId) = (app.Id, title, (Severity)r.Next(1, 4), "apk.kind");
                            f.SetTarget(new AppTarget(app.Value, $"Lcom/example/C{j};"));
                            break;
                        default:
                            var l = LogicKinds[r.Next(LogicKinds.Length)];
                            (f.AssetId, f.Title, f.Severity, f.RuleId) = (account.Id, l.Title, l.Severity, "logic.kind");
                            f.SetTarget(new AccountTarget(account.Value, $"/booking/{j}"));
                            break;
                    }

                    var sightings = new List<FindingSighting>();
                    var life = r.NextDouble();
                    var first = importOf[(n, 0, detector)];
                    var second = importOf[(n, 1, detector)];
                    if (life < 0.3)
                    {
                        // Found by the first campaign, gone in the second: fixed by its run.
                        (f.FirstSeenAt, f.LastSeenAt, f.Status, f.FixedAt, f.FixedByImportId, f.LastImportId) = (firstRun, firstRun, FindingStatus.Fixed, secondRun.AddDays(-r.Next(0, 150)), second, first);
                        sightings.Add(new FindingSighting { FindingId = f.Id, ImportId = first, InstitutionId = institution.Id, SeenAt = firstRun });
                    }
                    else if (life < 0.7)
                    {
                        (f.FirstSeenAt, f.LastSeenAt, f.Status, f.LastImportId) = (firstRun, secondRun, FindingStatus.Confirmed, second);
                        sightings.Add(new FindingSighting { FindingId = f.Id, ImportId = first, InstitutionId = institution.Id, SeenAt = firstRun });
                        sightings.Add(new FindingSighting { FindingId = f.Id, ImportId = second, InstitutionId = institution.Id, SeenAt = secondRun });
                    }
                    else
                    {
                        (f.FirstSeenAt, f.LastSeenAt, f.Status, f.LastImportId) = (secondRun, secondRun, FindingStatus.New, second);
                        sightings.Add(new FindingSighting { FindingId = f.Id, ImportId = second, InstitutionId = institution.Id, SeenAt = secondRun });
                    }

                    f.DueOn = FindingSla.Default.DueOn(f.Severity, DateOnly.FromDateTime(f.FirstSeenAt.UtcDateTime));
                    if (count)
                    {
                        // What each campaign's task records at import: new when first seen, fixed, seen again while open.
                        taskOf[sightings[0].ImportId].NewCount++;
                        if (f.Status == FindingStatus.Fixed)
                        {
                            taskOf[second].FixedCount++;
                        }
                        else if (sightings.Count == 2)
                        {
                            taskOf[second].StillOpenCount++;
                        }
                    }

                    yield return (f, sightings);
                }
            }
        }

        return new Planned(institutions, systems, assets, campaigns, rounds, imports, tasks, Findings);
    }
}
