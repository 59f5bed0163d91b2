using MedGuard.Storage;
using MedGuard.Storage.Statistics;

namespace MedGuard.Server.Sector;

/// <summary>One tier's (or region's) row of the sector survey (DOMAIN.md §7), in percent (0–100, one decimal).</summary>
public sealed record SectorRow(
    string Name,
    int Institutions,
    int Systems,
    double GradedRate,          // 定级率
    double FiledRate,           // 备案率
    double Level3AssessedRate,  // 三级系统测评率
    double RectifiedRate,       // 整改率 (systems whose tasks are all closed / systems with tasks)
    double HisLevel3Rate,       // HIS 三级定级率
    double MillionRecordsRate,  // ≥ 100 万条个人信息的机构占比
    double FiveStaffRate,       // ≥ 5 名网络安全人员的机构占比
    double CryptoDeviceRate,
    double CryptoAlgorithmRate,
    double DomesticCryptoRate,
    double LacksProfessionalsRate);

/// <summary>
/// The regulator's view over storage's <see cref="SectorStatistics"/> (one definition of every rate), through the
/// caller's tenant scope: a district regulator gets its district.
/// </summary>
public static class SectorDashboard
{
    public static async Task<(IReadOnlyList<SectorRow> Tiers, IReadOnlyList<SectorRow> Regions, SectorRow Total)> ComputeAsync(MedGuardDbContext db, Func<string, string> regionName)
    {
        var statistics = new SectorStatistics(db);
        var tiers = await statistics.ByTierAsync();
        var surveys = await statistics.SurveyByTierAsync();
        var regions = await statistics.ByRegionAsync(6);
        var regionSurveys = await statistics.SurveyByRegionAsync(6);
        static string TierName(MedGuard.Domain.Institutions.HospitalTier? tier) =>
            tier == MedGuard.Domain.Institutions.HospitalTier.Tertiary ? "普通三级" : tier is { } t ? MedGuard.Domain.Institutions.HospitalTierNames.ToChinese(t) : "合计";

        var tierRows = tiers.Select(t => Row(TierName(t.Tier), t, surveys.FirstOrDefault(s => s.Tier == t.Tier))).ToList();
        var regionRows = regions.Select(r => Row(regionName(r.Region ?? ""), r, regionSurveys.FirstOrDefault(s => s.Region == r.Region))).ToList();
        var total = Row("合计", LifecycleStatistics.Total(tiers), Sum(surveys));
        return (tierRows, regionRows, total);
    }

    private static SectorRow Row(string name, LifecycleStatistics l, SurveyStatistics? s) => new(
        name, l.Institutions, l.Systems,
        Percent(l.GradingRate), Percent(l.FilingRate), Percent(l.AssessmentRate), Percent(l.RectificationRate), Percent(l.HisLevel3Rate),
        Percent(s?.AtLeastMillionRecords), Percent(s?.AtLeastFiveSecurityStaff), Percent(s?.UsesCryptoDevices), Percent(s?.UsesCryptoAlgorithms),
        Percent(s?.UsesDomesticCryptoProducts), Percent(s?.LacksProfessionals));

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

    private static double Percent(Share? share) => share?.Rate is { } rate ? Math.Round(100 * rate, 1) : 0;
}
