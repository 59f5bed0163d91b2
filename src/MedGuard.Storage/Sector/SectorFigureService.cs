using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Grading;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Statistics;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Sector;

/// <summary>
/// Computes <see cref="SectorFigures"/> from the database for a <see cref="SectorFilter"/>, through the context's tenant
/// filters (the viewer's scope: a district gets its district, a hospital itself). Every figure is one indexed aggregate
/// query (GROUP BY / COUNT DISTINCT in the database); only the medians of days to fix and the 定级偏低 rules are worked
/// out here, over narrow rows. One service for the dashboard, its export and the situation report.
/// </summary>
public sealed class SectorFigureService(MedGuardDbContext db)
{
    /// <summary>Most rows a long list keeps (kinds, ports, accounts, apps); the drill-down lists all.</summary>
    public const int ListLimit = 50;

    private const string Ports = "ports", Web = "web", Apk = "apk", Logic = "logic";

    private static readonly Severity[] Graded = [Severity.High, Severity.Medium, Severity.Low];

    public async Task<SectorFigures> ComputeAsync(SectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var detection = await DetectionAsync(filter, cancellationToken);
        var (tiers, regions, total, codeLength) = await LifecycleAsync(filter, cancellationToken);
        var under = await UnderGradingAsync(filter, cancellationToken);
        return new SectorFigures
        {
            Filter = filter,
            RegionCodeLength = codeLength,
            Detection = detection,
            Tiers = tiers,
            Regions = regions,
            Total = total,
            UnderGrading = under,
        };
    }

    /// <summary>The institutions of the filter (region prefix, tier) within the tenant scope.</summary>
    public IQueryable<Institution> Institutions(SectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var institutions = db.Institutions.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region))
        {
            institutions = institutions.Where(i => i.Region.StartsWith(filter.Region));
        }

        if (filter.Tier is { } tier)
        {
            institutions = institutions.Where(i => i.Tier == tier);
        }

        return institutions;
    }

    /// <summary>The findings of the filter: of its institutions, present in the period (first seen before its end, last seen after its start).</summary>
    public IQueryable<FindingRecord> Findings(SectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var findings = db.Findings.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            findings = findings.Where(f => institutions.Contains(f.InstitutionId));
        }

        if (filter.FromInstant is { } from)
        {
            findings = findings.Where(f => f.LastSeenAt >= from);
        }

        if (filter.ToInstantExclusive is { } to)
        {
            findings = findings.Where(f => f.FirstSeenAt < to);
        }

        return findings;
    }

    /// <summary>The imported runs of the filter (started in the period).</summary>
    public IQueryable<DetectionImport> Imports(SectorFilter filter, string? detector = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var imports = db.DetectionImports.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            imports = imports.Where(d => institutions.Contains(d.InstitutionId));
        }

        if (detector is not null)
        {
            imports = imports.Where(d => d.Detector == detector);
        }

        if (filter.FromInstant is { } from)
        {
            imports = imports.Where(d => d.StartedAt >= from);
        }

        if (filter.ToInstantExclusive is { } to)
        {
            imports = imports.Where(d => d.StartedAt < to);
        }

        return imports;
    }

    /// <summary>The institutions behind a figure (drill-down), same filter.</summary>
    public async Task<IQueryable<Institution>> InstitutionsBehindAsync(SectorFilter filter, SectorDrill drill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var institutions = Institutions(filter);
        switch (drill.Kind)
        {
            case SectorDrillKind.Tested:
                var tested = Imports(filter, drill.Detector).Select(d => d.InstitutionId);
                return institutions.Where(i => tested.Contains(i.Id));
            case SectorDrillKind.Findings:
                var found = MatchingFindings(filter, drill).Select(f => f.InstitutionId);
                return institutions.Where(i => found.Contains(i.Id));
            case SectorDrillKind.UnderGraded:
                // The rules run in memory; the ids come from the same computation as the count.
                var ids = (await UnderGradedSystemsAsync(filter, cancellationToken)).Select(s => s.InstitutionId).Distinct().ToList();
                return institutions.Where(i => ids.Contains(i.Id));
            default:
                return institutions;
        }
    }

    /// <summary>The findings a drill-down names (detector, severity, kind, port, app, account), same filter.</summary>
    public IQueryable<FindingRecord> MatchingFindings(SectorFilter filter, SectorDrill drill)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var findings = Findings(filter);
        if (drill.Detector is { } detector)
        {
            findings = findings.Where(f => f.Detector == detector);
        }

        if (drill.Severity is { } severity)
        {
            findings = findings.Where(f => f.Severity == severity);
        }

        if (drill.Title is { } title)
        {
            findings = findings.Where(f => f.Title == title);
        }

        if (drill.Port is { } port)
        {
            findings = findings.Where(f => f.Port == port);
        }

        if (drill.Package is { } package)
        {
            findings = findings.Where(f => f.Package == package);
        }

        if (drill.Account is { } account)
        {
            findings = findings.Where(f => f.Account == account);
        }

        return findings;
    }

    /// <summary>The detection figures alone (each query tagged <c>figure:NAME</c> for bench/dashboard).</summary>
    public async Task<DetectionFigures> DetectionAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var institutions = Institutions(filter);
        var findings = Findings(filter);
        var institutionCount = await institutions.TagWith("figure:institutionCount").LongCountAsync(ct);
        var unitsTested = await Imports(filter).Select(d => d.InstitutionId).Distinct().TagWith("figure:unitsTested").LongCountAsync(ct);

        var severities = await findings.TagWith("figure:severities").GroupBy(f => new { f.Detector, f.Severity })
            .Select(g => new { g.Key.Detector, g.Key.Severity, Count = g.LongCount() }).ToListAsync(ct);
        var bySeverity = severities.OrderBy(s => s.Detector, StringComparer.Ordinal).ThenByDescending(s => s.Severity)
            .Select(s => new SeverityCount(s.Detector, s.Severity, s.Count, SectorDrill.Findings(s.Detector) with { Severity = s.Severity })).ToList();

        // Websites: website assets of institutions whose web runs were imported in the period.
        var webTested = Imports(filter, Web).Select(d => d.InstitutionId);
        var websitesTested = await db.Assets.AsNoTracking().TagWith("figure:websitesTested").Where(a => a.Kind == AssetKind.Origin && webTested.Contains(a.InstitutionId))
            .Where(a => institutions.Any(i => i.Id == a.InstitutionId)).LongCountAsync(ct);
        var webFindings = findings.Where(f => f.Detector == Web);
        var websitesWithFindings = await webFindings.Select(f => f.AssetId).Distinct().TagWith("figure:websitesWithFindings").LongCountAsync(ct);
        var domains = await webFindings.Where(f => f.Origin != null).Select(f => f.Origin).Distinct().TagWith("figure:domains").LongCountAsync(ct);
        var webHospitals = await webFindings.Select(f => f.InstitutionId).Distinct().TagWith("figure:webHospitals").LongCountAsync(ct);
        var kinds = await webFindings.TagWith("figure:kinds").GroupBy(f => new { f.Title, f.Severity })
            .Select(g => new { g.Key.Title, g.Key.Severity, Count = g.LongCount() })
            .OrderByDescending(g => g.Severity).ThenByDescending(g => g.Count).ThenBy(g => g.Title).Take(ListLimit).ToListAsync(ct);
        var highWeb = webFindings.Where(f => f.Severity == Severity.High);
        var highOnServers = await highWeb.TagWith("figure:highOnServers").GroupBy(f => new { f.Title, f.Origin })
            .Select(g => new { g.Key.Title, g.Key.Origin, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Title).ThenBy(g => g.Origin).Take(ListLimit).ToListAsync(ct);
        var highServers = await highWeb.Select(f => f.Origin).Distinct().TagWith("figure:highServers").LongCountAsync(ct);

        var portFindings = findings.Where(f => f.Detector == Ports && f.Host != null && f.Port != null);
        var servers = await portFindings.Select(f => f.Host).Distinct().TagWith("figure:servers").LongCountAsync(ct);
        var openPorts = await portFindings.Select(f => new { f.Host, f.Port }).Distinct().TagWith("figure:openPorts").LongCountAsync(ct);
        var distinctPorts = await portFindings.Select(f => f.Port).Distinct().TagWith("figure:distinctPorts").LongCountAsync(ct);
        var highPortServers = await portFindings.Where(f => f.Severity == Severity.High).Select(f => f.Host).Distinct().TagWith("figure:highPortServers").LongCountAsync(ct);
        var perPort = await portFindings.TagWith("figure:perPort").GroupBy(f => f.Port)
            .Select(g => new { Port = g.Key, Servers = g.Select(f => f.Host).Distinct().LongCount() })
            .OrderByDescending(g => g.Servers).ThenBy(g => g.Port).Take(ListLimit).ToListAsync(ct);

        var apkTested = Imports(filter, Apk).Select(d => d.InstitutionId);
        var appsTested = await db.Assets.AsNoTracking().TagWith("figure:appsTested").Where(a => a.Kind == AssetKind.App && apkTested.Contains(a.InstitutionId))
            .Where(a => institutions.Any(i => i.Id == a.InstitutionId)).LongCountAsync(ct);
        var apkFindings = findings.Where(f => f.Detector == Apk && f.Package != null);
        var appsWithRisks = await apkFindings.Select(f => f.Package).Distinct().TagWith("figure:appsWithRisks").LongCountAsync(ct);
        var topApps = await apkFindings.TagWith("figure:topApps").GroupBy(f => f.Package!).Select(g => new { Package = g.Key, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Package).Take(ListLimit).Select(g => g.Package).ToListAsync(ct);
        var cells = await apkFindings.TagWith("figure:cells").Where(f => topApps.Contains(f.Package!)).GroupBy(f => new { f.Title, f.Package })
            .Select(g => new { g.Key.Title, g.Key.Package, Count = g.LongCount() }).ToListAsync(ct);
        var apkKinds = ApkRiskKinds.Titles.Concat(cells.Select(c => c.Title).Where(t => !ApkRiskKinds.Titles.Contains(t)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var apps = topApps.Order(StringComparer.Ordinal).ToList();
        var apkTable = new ApkRiskTable(apkKinds, apps,
            [.. apkKinds.Select(k => (IReadOnlyList<long>)[.. apps.Select(a => cells.Where(c => c.Title == k && c.Package == a).Sum(c => c.Count))])]);

        var logicFindings = findings.Where(f => f.Detector == Logic && f.Account != null);
        var accountRisks = await logicFindings.TagWith("figure:accountRisks").GroupBy(f => new { f.Account, f.Title, f.Severity })
            .Select(g => new { g.Key.Account, g.Key.Title, g.Key.Severity, Count = g.LongCount() })
            .OrderBy(g => g.Account).ThenByDescending(g => g.Severity).ThenBy(g => g.Title).Take(ListLimit).ToListAsync(ct);
        var accounts = await logicFindings.Select(f => f.Account).Distinct().TagWith("figure:accounts").LongCountAsync(ct);

        var tierInstitutions = await institutions.GroupBy(i => i.Tier).Select(g => new { Tier = g.Key, Count = g.LongCount() }).TagWith("figure:tierInstitutions").ToListAsync(ct);
        var tierTested = await Imports(filter).TagWith("figure:tierTested").Join(db.Institutions, d => d.InstitutionId, i => i.Id, (d, i) => new { i.Tier, d.InstitutionId })
            .GroupBy(x => x.Tier).Select(g => new { Tier = g.Key, Count = g.Select(x => x.InstitutionId).Distinct().LongCount() }).ToListAsync(ct);
        var tierFindings = await findings.TagWith("figure:tierFindings").Join(db.Institutions, f => f.InstitutionId, i => i.Id, (f, i) => new { i.Tier, f.Severity })
            .GroupBy(x => new { x.Tier, x.Severity }).Select(g => new { g.Key.Tier, g.Key.Severity, Count = g.LongCount() }).ToListAsync(ct);
        long TierCount(HospitalTier tier, Severity severity) => tierFindings.Where(t => t.Tier == tier && t.Severity == severity).Sum(t => t.Count);
        var byTier = tierInstitutions.OrderBy(t => t.Tier).Select(t => new TierDetection(t.Tier,
            tierTested.Where(x => x.Tier == t.Tier).Sum(x => x.Count), t.Count,
            TierCount(t.Tier, Severity.High), TierCount(t.Tier, Severity.Medium), TierCount(t.Tier, Severity.Low))).ToList();

        return new DetectionFigures
        {
            UnitsTested = new("units-tested", "检测单位数", unitsTested, institutionCount,
                "期间内导入过检测结果（任一检测器）的机构 / 筛选范围内的机构", SectorDrill.Tested(null)),
            WebsitesTested = new("websites-tested", "检测网站数", websitesTested, null,
                "期间内导入过网站检测结果的机构登记的网站资产数", SectorDrill.Tested(Web)),
            WebsitesWithFindings = new("websites-with-findings", "存在漏洞的网站", websitesWithFindings, websitesTested,
                "期间内有网站检测发现的网站资产 / 检测网站数", SectorDrill.Findings(Web)),
            DomainsWithFindings = new("domains-with-findings", "存在漏洞的域名（源）", domains, null,
                "期间内网站检测发现所在的不同源（协议+主机+端口）数", SectorDrill.Findings(Web)),
            HospitalsWithWebFindings = new("hospitals-with-web-findings", "网站存在漏洞的医院", webHospitals, unitsTested,
                "期间内有网站检测发现的机构 / 检测单位数", SectorDrill.Findings(Web)),
            BySeverity = bySeverity,
            WebKinds = [.. kinds.Select(k => new KindCount(k.Title, k.Severity, null, k.Count, SectorDrill.Findings(Web) with { Title = k.Title }))],
            HighRiskOnServers = [.. highOnServers.Select(k => new KindCount(k.Title, Severity.High, k.Origin, k.Count, SectorDrill.Findings(Web) with { Title = k.Title, Severity = Severity.High }))],
            HighRiskServers = new("high-risk-servers", "高危漏洞所在服务器", highServers, null,
                "期间内有高危网站漏洞的不同源（服务器）数", SectorDrill.Findings(Web) with { Severity = Severity.High }),
            Ports = new PortFigures
            {
                Servers = new("port-servers", "开放端口的服务器", servers, null, "期间内端口检测发现所在的不同主机地址数", SectorDrill.Findings(Ports)),
                OpenPorts = new("open-ports", "开放端口数", openPorts, servers, "不同（主机, 端口）组合数；分母为服务器数（即每台服务器开放端口数）", SectorDrill.Findings(Ports)),
                DistinctPorts = new("distinct-ports", "涉及端口种类", distinctPorts, null, "开放端口中不同端口号的个数", SectorDrill.Findings(Ports)),
                ServersWithHighRiskPorts = new("high-risk-port-servers", "存在高危端口的服务器", highPortServers, servers,
                    "有高危端口检测发现（如 3389 远程桌面、数据库、Redis 未授权）的主机 / 开放端口的服务器", SectorDrill.Findings(Ports) with { Severity = Severity.High }),
                PerPort = [.. perPort.Select(p => new Tally(p.Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{p.Port}", p.Servers, SectorDrill.Findings(Ports) with { Port = p.Port }))],
            },
            AppsTested = new("apps-tested", "检测 App 数", appsTested, null, "期间内导入过 APK 检测结果的机构登记的 App 资产数", SectorDrill.Tested(Apk)),
            AppsWithRisks = new("apps-with-risks", "存在风险的 App", appsWithRisks, appsTested, "期间内有 APK 检测发现的不同包名数 / 检测 App 数", SectorDrill.Findings(Apk)),
            ApkTable = apkTable,
            AccountRisks = [.. accountRisks.Select(a => new KindCount(a.Title, a.Severity, a.Account, a.Count, SectorDrill.Findings(Logic) with { Account = a.Account, Title = a.Title }))],
            AccountsWithRisks = new("accounts-with-risks", "存在风险的公众号/预约服务", accounts, null, "期间内有业务逻辑检测发现的不同公众号（账号）数", SectorDrill.Findings(Logic)),
            ByTier = byTier,
            Trend = await TrendAsync(filter, ct),
        };
    }

    /// <summary>The campaign trend alone.</summary>
    public async Task<CampaignTrend?> TrendAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var campaign = await db.Campaigns.AsNoTracking().TagWith("figure:campaign").Where(c => filter.Campaign == null || c.Id == filter.Campaign)
            .OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(ct);
        if (campaign is null)
        {
            return null;
        }

        // The campaign's own runs decide: the period does not narrow a campaign's trend, the region and tier do.
        // New / fixed / still open are pre-aggregated: each campaign task keeps its import's counts (written when its
        // run is imported), so the trend sums a few hundred thousand task rows at most instead of joining millions of
        // sightings (bench/dashboard/README.md). The drill-down lists the findings themselves (CampaignFindings.FoundBy).
        var tasks = db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaign.Id);
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            tasks = tasks.Where(t => institutions.Contains(t.InstitutionId));
        }

        var counts = await tasks.TagWith("figure:trendCounts").GroupBy(t => t.CampaignId)
            .Select(g => new { New = g.Sum(t => (long)t.NewCount), Fixed = g.Sum(t => (long)t.FixedCount), StillOpen = g.Sum(t => (long)t.StillOpenCount) })
            .FirstOrDefaultAsync(ct);
        var scoped = Findings(filter with { From = null, To = null });
        var fixedRows = await scoped.FoundBy(db, campaign.Id, CampaignFinding.Fixed).Where(f => f.FixedAt != null)
            .Select(f => new { f.Severity, f.FirstSeenAt, f.FixedAt }).TagWith("figure:fixedRows").ToListAsync(ct);
        var medians = Graded.Select(s =>
        {
            var days = fixedRows.Where(r => r.Severity == s).Select(r => (r.FixedAt!.Value - r.FirstSeenAt).TotalDays).Order().ToList();
            return new FixTime(s, days.Count, days.Count == 0 ? null : Math.Round(days.Count % 2 == 1 ? days[days.Count / 2] : (days[(days.Count / 2) - 1] + days[days.Count / 2]) / 2, 1));
        }).ToList();
        var drill = SectorDrill.Findings();
        return new CampaignTrend(campaign.Id, campaign.Name,
            new("trend-new", "新发现", counts?.New ?? 0, null, "该检测任务计划的运行首次发现的检测发现（各子任务导入时记下的新发现数之和）", drill),
            new("trend-fixed", "已修复", counts?.Fixed ?? 0, null, "该计划的运行完整覆盖、不再发现而关闭的检测发现（各子任务导入时记下的已修复数之和）", drill),
            new("trend-still-open", "仍未修复", counts?.StillOpen ?? 0, null, "该计划的运行再次发现、仍未关闭的检测发现（各子任务导入时记下的数之和）", drill),
            medians);
    }

    /// <summary>The 等保 and survey figures per tier and region, and their total.</summary>
    public async Task<(IReadOnlyList<GroupFigures> Tiers, IReadOnlyList<GroupFigures> Regions, GroupFigures Total, int CodeLength)> LifecycleAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var statistics = new SectorStatistics(db);
        var scopeRegion = db.Scope.Region;
        var region = string.IsNullOrEmpty(filter.Region) ? scopeRegion : filter.Region;
        // The whole country by province; a province, city or county by county (a municipality's only "city" is 市辖区).
        var codeLength = string.IsNullOrEmpty(region) ? 2 : 6;
        var tiers = await statistics.ByTierAsync(filter.Region, tier: filter.Tier, cancellationToken: ct);
        var surveys = await statistics.SurveyByTierAsync(filter.Region, filter.Tier, ct);
        var regions = await statistics.ByRegionAsync(codeLength, filter.Region, tier: filter.Tier, cancellationToken: ct);
        var regionSurveys = await statistics.SurveyByRegionAsync(codeLength, filter.Region, filter.Tier, ct);
        var tierRows = tiers.Select(t => Group(TierName(t.Tier), t, surveys.FirstOrDefault(s => s.Tier == t.Tier), filter with { Tier = t.Tier })).ToList();
        var regionRows = regions.Select(r => Group(AdministrativeRegions.FullName(r.Region), r, regionSurveys.FirstOrDefault(s => s.Region == r.Region), filter with { Region = r.Region })).ToList();
        var total = Group("合计", LifecycleStatistics.Total(tiers), SurveyTotal(surveys), filter);
        return (tierRows, regionRows, total, codeLength);
    }

    /// <summary>The tier's name as the report writes it (普通三级 for the non-甲 三级).</summary>
    public static string TierName(HospitalTier? tier) => tier switch
    {
        null => "合计",
        HospitalTier.Tertiary => "普通三级",
        { } t => t.ToChinese(),
    };

    private static GroupFigures Group(string name, LifecycleStatistics l, SurveyStatistics? s, SectorFilter scope)
    {
        var all = SectorDrill.All;
        Figure F(string key, string label, Share share, string definition) => new(key, label, share.Count, share.Total, definition, all);
        s ??= new SurveyStatistics();
        return new GroupFigures(name, scope.Tier, scope.Region, l.Institutions, l.Systems,
        [
            F("graded", "定级率", l.GradingRate, "已定级的定级对象 / 全部定级对象"),
            F("filed", "备案率", l.FilingRate, "已取得备案证明（编号和签发日期已登记）的定级对象 / 全部定级对象；仅提交、尚无证明的不计"),
            F("level3-assessed", "三级系统测评率", l.AssessmentRate, "有测评机构开展、已形成结论且不晚于今天的等级测评的三级及以上定级对象 / 三级及以上定级对象；自查不计"),
            F("rectified", "整改率", l.RectificationRate, "整改任务全部关闭（已整改、复测通过或风险接受）的定级对象 / 有整改任务的定级对象"),
            F("his-level3", "HIS 三级定级率", l.HisLevel3Rate, "定为第三级及以上的 HIS / 全部 HIS"),
            F("million-records", "≥100万条个人信息", s.AtLeastMillionRecords, "调查中个人信息 ≥ 1,000,000 条的机构 / 回答该题的机构"),
            F("five-staff", "≥5 名安全人员", s.AtLeastFiveSecurityStaff, "网络安全人员 ≥ 5 名的机构 / 回答该题的机构"),
            F("lacks-professionals", "缺乏专业人才", s.LacksProfessionals, "把缺乏专业人才列为主要困难的机构 / 回答该题的机构"),
            F("crypto-devices", "使用密码设备", s.UsesCryptoDevices, "使用密码设备的机构 / 回答该题的机构"),
            F("crypto-algorithms", "使用密码算法", s.UsesCryptoAlgorithms, "使用密码算法的机构 / 回答该题的机构"),
            F("domestic-crypto", "国产密码产品", s.UsesDomesticCryptoProducts, "使用国产密码产品的机构 / 回答该题的机构"),
            F("domestic-os", "国产操作系统", s.UsesDomesticOperatingSystem, "使用国产操作系统的机构 / 回答该题的机构"),
            F("domestic-db", "国产数据库", s.UsesDomesticDatabase, "使用国产数据库的机构 / 回答该题的机构"),
            F("domestic-middleware", "国产中间件", s.UsesDomesticMiddleware, "使用国产中间件的机构 / 回答该题的机构"),
        ]);
    }

    private static SurveyStatistics SurveyTotal(IReadOnlyList<SurveyStatistics> rows) => new()
    {
        Institutions = rows.Sum(r => r.Institutions),
        AtLeastMillionRecords = rows.Aggregate(default(Share), (a, r) => a + r.AtLeastMillionRecords),
        AtLeastFiveSecurityStaff = rows.Aggregate(default(Share), (a, r) => a + r.AtLeastFiveSecurityStaff),
        UsesCryptoDevices = rows.Aggregate(default(Share), (a, r) => a + r.UsesCryptoDevices),
        UsesCryptoAlgorithms = rows.Aggregate(default(Share), (a, r) => a + r.UsesCryptoAlgorithms),
        UsesDomesticCryptoProducts = rows.Aggregate(default(Share), (a, r) => a + r.UsesDomesticCryptoProducts),
        UsesDomesticOperatingSystem = rows.Aggregate(default(Share), (a, r) => a + r.UsesDomesticOperatingSystem),
        UsesDomesticDatabase = rows.Aggregate(default(Share), (a, r) => a + r.UsesDomesticDatabase),
        UsesDomesticMiddleware = rows.Aggregate(default(Share), (a, r) => a + r.UsesDomesticMiddleware),
        LacksProfessionals = rows.Aggregate(default(Share), (a, r) => a + r.LacksProfessionals),
    };

    /// <summary>定级偏低 per tier, total and the systems.</summary>
    public async Task<UnderGradingFigures> UnderGradingAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var systems = await UnderGradedSystemsAsync(filter, ct);
        var perTier = systems.GroupBy(s => s.Tier).OrderBy(g => g.Key)
            .Select(g => new Tally(g.Key.ToString(), TierName(g.Key), g.Count(), SectorDrill.UnderGraded)).ToList();
        var graded = await Institutions(filter).SelectMany(i => db.Systems.Where(s => s.InstitutionId == i.Id && s.Grading != null)).TagWith("figure:graded").LongCountAsync(ct);
        return new UnderGradingFigures(perTier,
            new Figure("under-graded", "定级偏低的定级对象", systems.Count, graded,
                "已定级、但等级低于定级偏低规则（数据量、用户量、业务类型、医院等级）建议等级的定级对象 / 已定级的定级对象", SectorDrill.UnderGraded),
            [.. systems.Take(ListLimit * 4)]);
    }

    /// <summary>
    /// Graded systems whose level is below what the 定级偏低 rules suggest. Only systems the rules can lift are read (a
    /// level below 3): the rules suggest at most 第三级.
    /// </summary>
    public async Task<IReadOnlyList<UnderGradedSystem>> UnderGradedSystemsAsync(SectorFilter filter, CancellationToken ct)
    {
        var institutions = Institutions(filter);
        var rows = await (
            from s in db.Systems.AsNoTracking().TagWith("figure:under-graded")
            join i in institutions on s.InstitutionId equals i.Id
            where s.Grading != null && (s.Grading.Level == ProtectionLevel.Level1 || s.Grading.Level == ProtectionLevel.Level2)
            select new
            {
                s.Id,
                s.Name,
                InstitutionId = i.Id,
                InstitutionName = i.Name,
                i.Tier,
                i.Region,
                s.Business,
                s.IsCore,
                s.InternetFacing,
                s.IsCriticalInfrastructure,
                Level = s.Grading!.Level,
                i.Survey.PersonalDataRecords,
            }).ToListAsync(ct);
        var result = new List<UnderGradedSystem>();
        foreach (var r in rows)
        {
            var verdict = UnderGrading.Evaluate(new UnderGradingInput
            {
                Business = r.Business,
                Tier = r.Tier,
                // The survey asks the hospital, not the system: its core systems are taken to hold its personal data.
                PersonalDataRecords = r.IsCore || r.Business is BusinessKind.His or BusinessKind.Emr or BusinessKind.Lis or BusinessKind.Pacs or BusinessKind.Platform ? r.PersonalDataRecords : null,
                IsCore = r.IsCore,
                InternetFacing = r.InternetFacing,
                CriticalInfrastructure = r.IsCriticalInfrastructure,
            });
            if (verdict.IsUnderGraded(r.Level))
            {
                result.Add(new UnderGradedSystem(r.Id, r.Name, r.InstitutionId, r.InstitutionName, r.Tier, r.Region, r.Level, verdict.Suggested!.Value, [.. verdict.Rules.Select(x => x.Name)]));
            }
        }

        return [.. result.OrderBy(s => s.Tier).ThenBy(s => s.InstitutionName, StringComparer.Ordinal).ThenBy(s => s.SystemName, StringComparer.Ordinal)];
    }
}
