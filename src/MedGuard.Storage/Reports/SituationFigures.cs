using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Reports.Inputs;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Statistics;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Reports;

/// <summary>
/// The one adapter from the dashboard's figures to the situation report's input (issue 17): the same
/// <see cref="SectorStatistics"/> the server's sector dashboard (MedGuard.Server/Sector/SectorDashboard.cs) computes, with
/// each rate's numerator, denominator and definition kept. It lives here, not in the server, because the CLI
/// (<c>medguard report situation</c>) produces the same report and does not reference the server. The detection part
/// comes from the sector dashboard's <see cref="SectorFigureService"/> (issue 16), so report and page print the same
/// counts. Runs in the caller's tenant scope: a district regulator gets its district.
/// </summary>
public sealed class SituationFigures(MedGuardDbContext db)
{
    public const string RankingRule = "定级率、备案率、三级系统测评率三项中有分母的各项比率的平均值（百分制，保留一位小数）；同分按未整改高危问题少者在前，再按机构名称排序。";

    public async Task<SituationReportInput> BuildAsync(string region, DateOnly from, DateOnly to, string issuer, DateOnly today, CancellationToken ct = default)
    {
        var statistics = new SectorStatistics(db);
        var prefix = string.IsNullOrEmpty(region) ? null : region;
        var tiers = await statistics.ByTierAsync(prefix, from, cancellationToken: ct);
        var tierSurveys = await statistics.SurveyByTierAsync(prefix, cancellationToken: ct);
        var childLength = Math.Min(6, (region.Length == 0 ? 0 : region.Length) + 2);
        var regions = childLength > region.Length ? await statistics.ByRegionAsync(childLength, prefix, from, cancellationToken: ct) : [];
        var regionSurveys = childLength > region.Length ? await statistics.SurveyByRegionAsync(childLength, prefix, cancellationToken: ct) : [];
        var total = LifecycleStatistics.Total(tiers);
        var totalSurvey = Sum(tierSurveys);
        return new SituationReportInput
        {
            RegionName = string.IsNullOrEmpty(region) ? "全省（全部地区）" : AdministrativeRegions.FullName(region),
            RegionCode = string.IsNullOrEmpty(region) ? "全部" : region,
            PeriodStart = from,
            PeriodEnd = to,
            IssuedOn = today,
            Issuer = issuer,
            Institutions = total.Institutions,
            Systems = total.Systems,
            Totals = Figures(total, totalSurvey),
            Tiers = [.. tiers.Select(t => new SituationGroup(TierName(t.Tier), t.Institutions, t.Systems, Figures(t, tierSurveys.FirstOrDefault(s => s.Tier == t.Tier))))],
            Regions = [.. regions.Select(r => new SituationGroup(AdministrativeRegions.Name(r.Region), r.Institutions, r.Systems, Figures(r, regionSurveys.FirstOrDefault(s => s.Region == r.Region))))],
            Rankings = await RankingsAsync(prefix, from, ct),
            Detection = Detection(await new SectorFigureService(db).DetectionAsync(new SectorFilter { Region = prefix, From = from, To = to }, ct)),
            RankingRule = RankingRule,
        };
    }

    /// <summary>The dashboard's detection figures (issue 16, <see cref="SectorFigureService"/>) as the report's input: the same counts, the same definitions.</summary>
    private static SituationDetection Detection(DetectionFigures d) => new()
    {
        Figures =
        [
            Count("unitsTested", d.UnitsTested),
            Count("websitesTested", d.WebsitesTested),
            Count("websitesWithFindings", d.WebsitesWithFindings),
            Count("domainsWithFindings", d.DomainsWithFindings),
            Count("servers", d.Ports.Servers),
            Count("openPorts", d.Ports.OpenPorts),
            Count("distinctPorts", d.Ports.DistinctPorts),
            Count("serversWithHighRiskPorts", d.Ports.ServersWithHighRiskPorts),
            Count("highRiskServers", d.HighRiskServers),
            Count("appsTested", d.AppsTested),
            Count("appsWithRisks", d.AppsWithRisks),
            Count("accountsWithRisks", d.AccountsWithRisks),
        ],
        BySeverity = [.. d.BySeverity.GroupBy(s => s.Detector).OrderBy(g => DetectorOrder(g.Key)).Select(g => new SituationSeverity(g.Key,
            g.Where(s => s.Severity == Severity.High).Sum(s => s.Count), g.Where(s => s.Severity == Severity.Medium).Sum(s => s.Count),
            g.Where(s => s.Severity == Severity.Low).Sum(s => s.Count)))],
        WebKinds = [.. d.WebKinds.Select(k => new SituationKind(k.Kind, k.Severity.ToChinese(), k.Count))],
        PerPort = [.. d.Ports.PerPort.Select(p => new SituationCount(p.Key, p.Label, p.Count, null, "开放该端口的服务器数"))],
        AppRiskKinds = d.ApkTable.Apps.Count == 0 ? [] : d.ApkTable.Kinds,
        Apps = d.ApkTable.Apps,
        AppRiskCounts = d.ApkTable.Apps.Count == 0 ? [] : d.ApkTable.Counts,
        AccountRisks = [.. d.AccountRisks.Select(k => new SituationKind(k.Kind, k.Severity.ToChinese(), k.Count))],
    };

    private static SituationCount Count(string key, Figure f) => new(key, f.Label, f.Numerator, f.Denominator, f.Definition);

    private static int DetectorOrder(string detector) => Array.IndexOf(["ports", "web", "apk", "logic"], detector) is var i and >= 0 ? i : 9;

    private static string TierName(HospitalTier? tier) =>
        tier == HospitalTier.Tertiary ? "普通三级" : tier is { } t ? t.ToChinese() : "合计";

    /// <summary>Every figure the dashboard shows, with its numerator, denominator and definition (SectorStatistics' documented choices).</summary>
    private static List<SituationFigure> Figures(LifecycleStatistics l, SurveyStatistics? s)
    {
        var figures = new List<SituationFigure>
        {
            new("graded", "定级率", l.GradingRate.Count, l.GradingRate.Total, "已定级的系统数 / 系统总数"),
            new("filed", "备案率", l.FilingRate.Count, l.FilingRate.Total, "取得备案证明（编号与发证日期已记录）的系统数 / 系统总数"),
            new("assessed", "三级系统测评率", l.AssessmentRate.Count, l.AssessmentRate.Total, "统计期内由测评机构完成并形成结论的等级测评的三级以上系统数 / 三级以上系统数（自查不计）"),
            new("rectified", "整改率", l.RectificationRate.Count, l.RectificationRate.Total, "整改任务全部关闭（已整改、复测通过或风险接受）的系统数 / 有整改任务的系统数"),
            new("hisLevel3", "HIS 三级定级率", l.HisLevel3Rate.Count, l.HisLevel3Rate.Total, "定为三级以上的 HIS 数 / HIS 总数"),
        };
        if (s is not null)
        {
            figures.Add(new("millionRecords", "个人信息 100 万条以上机构占比", s.AtLeastMillionRecords.Count, s.AtLeastMillionRecords.Total, "填报个人信息存储量 ≥ 100 万条的机构数 / 作答机构数"));
            figures.Add(new("fiveStaff", "网络安全人员 5 人以上机构占比", s.AtLeastFiveSecurityStaff.Count, s.AtLeastFiveSecurityStaff.Total, "网络安全人员 ≥ 5 人的机构数 / 作答机构数"));
            figures.Add(new("cryptoDevice", "使用密码设备机构占比", s.UsesCryptoDevices.Count, s.UsesCryptoDevices.Total, "使用密码设备的机构数 / 作答机构数"));
            figures.Add(new("cryptoAlgorithm", "使用密码算法机构占比", s.UsesCryptoAlgorithms.Count, s.UsesCryptoAlgorithms.Total, "使用密码算法的机构数 / 作答机构数"));
            figures.Add(new("domesticCrypto", "使用国产密码产品机构占比", s.UsesDomesticCryptoProducts.Count, s.UsesDomesticCryptoProducts.Total, "使用国产密码产品的机构数 / 作答机构数"));
            figures.Add(new("lacksProfessionals", "认为缺乏专业人才机构占比", s.LacksProfessionals.Count, s.LacksProfessionals.Total, "认为缺乏专业人才是主要困难的机构数 / 作答机构数"));
        }

        return figures;
    }

    private static SurveyStatistics Sum(IReadOnlyList<SurveyStatistics> rows) => new()
    {
        Institutions = rows.Sum(r => r.Institutions),
        AtLeastMillionRecords = rows.Aggregate(default(Share), (a, r) => a + r.AtLeastMillionRecords),
        AtLeastFiveSecurityStaff = rows.Aggregate(default(Share), (a, r) => a + r.AtLeastFiveSecurityStaff),
        UsesCryptoDevices = rows.Aggregate(default(Share), (a, r) => a + r.UsesCryptoDevices),
        UsesCryptoAlgorithms = rows.Aggregate(default(Share), (a, r) => a + r.UsesCryptoAlgorithms),
        UsesDomesticCryptoProducts = rows.Aggregate(default(Share), (a, r) => a + r.UsesDomesticCryptoProducts),
        LacksProfessionals = rows.Aggregate(default(Share), (a, r) => a + r.LacksProfessionals),
    };

    private async Task<IReadOnlyList<InstitutionRanking>> RankingsAsync(string? prefix, DateOnly from, CancellationToken ct)
    {
        var institutions = db.Institutions.AsNoTracking().Where(i => prefix == null || i.Region.StartsWith(prefix));
        var today = db.Today;
        var rows = await institutions.Select(i => new
        {
            i.Id,
            i.Name,
            i.Tier,
            i.Region,
            Systems = i.Systems.Count,
            Graded = i.Systems.Count(s => s.Grading != null),
            Filed = i.Systems.Count(s => s.Filing != null && s.Filing.CertificateNumber != null && s.Filing.CertificateNumber != "" && s.Filing.CertificateIssuedOn != null),
            Level3 = i.Systems.Count(s => s.Grading != null && (s.Grading.Level == ProtectionLevel.Level3 || s.Grading.Level == ProtectionLevel.Level4 || s.Grading.Level == ProtectionLevel.Level5)),
            Level3Assessed = i.Systems.Count(s => s.Grading != null && (s.Grading.Level == ProtectionLevel.Level3 || s.Grading.Level == ProtectionLevel.Level4 || s.Grading.Level == ProtectionLevel.Level5)
                && s.Assessments.Any(a => a.Kind == Domain.Assessment.AssessmentKind.LevelAssessment && a.Conclusion != null && a.AssessedOn >= from && a.AssessedOn <= today)),
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var highs = (await db.Findings.AsNoTracking().Where(f => ids.Contains(f.InstitutionId) && f.Severity == Severity.High)
            .Select(f => new { f.InstitutionId, f.Status }).ToListAsync(ct))
            .Where(f => f.Status.IsOpen()).GroupBy(f => f.InstitutionId).ToDictionary(g => g.Key, g => g.Count());
        static double? Rate(int n, int d) => d == 0 ? null : 100.0 * n / d;
        return [.. rows.Select(r =>
        {
            var rates = new[] { Rate(r.Graded, r.Systems), Rate(r.Filed, r.Systems), Rate(r.Level3Assessed, r.Level3) }.OfType<double>().ToList();
            return new InstitutionRanking(r.Name, TierName(r.Tier), AdministrativeRegions.Name(r.Region), r.Systems, r.Graded, r.Filed, r.Level3, r.Level3Assessed,
                highs.GetValueOrDefault(r.Id), rates.Count == 0 ? 0 : Math.Round(rates.Average(), 1));
        }).OrderByDescending(r => r.Score).ThenBy(r => r.OpenHighFindings).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }
}
