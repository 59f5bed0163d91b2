using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Statistics;

/// <summary>
/// The sector figures the seed reports (定级率, 备案率, 测评率, 整改率, HIS 三级定级率, the survey shares), per hospital
/// tier or per region, computed from the database. They go through the context's tenant filters, so a regulator gets
/// its region's figures and an institution its own. The database returns one narrow row per system (its flags
/// computed in SQL); the counting happens here, which keeps the query identical on SQLite and PostgreSQL.
/// </summary>
public sealed class SectorStatistics(MedGuardDbContext db)
{
    private static readonly RectificationStatus[] OpenStatuses = [RectificationStatus.Open, RectificationStatus.InProgress];

    /// <summary>Lifecycle rates per tier, tiers in their natural order, only tiers that have institutions.</summary>
    /// <param name="regionPrefix">Narrow to a region (within the tenant's own).</param>
    /// <param name="assessedSince">Count an assessment only from this date (e.g. a year back for "tested this year").</param>
    public async Task<IReadOnlyList<LifecycleStatistics>> ByTierAsync(string? regionPrefix = null, DateOnly? assessedSince = null, HospitalTier? tier = null, CancellationToken cancellationToken = default) =>
        ByTier(await LifecycleGroupsAsync(0, regionPrefix, tier, assessedSince, cancellationToken));

    /// <summary>
    /// Lifecycle rates per region: institutions grouped by the first <paramref name="codeLength"/> characters of their
    /// region code (行政区划: 2 province, 4 city, 6 county), in code order.
    /// </summary>
    public async Task<IReadOnlyList<LifecycleStatistics>> ByRegionAsync(int codeLength, string? regionPrefix = null, DateOnly? assessedSince = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codeLength, 1);
        return ByRegion(await LifecycleGroupsAsync(codeLength, regionPrefix, tier, assessedSince, cancellationToken));
    }

    /// <summary>Survey shares per tier (DOMAIN.md §7).</summary>
    public async Task<IReadOnlyList<SurveyStatistics>> SurveyByTierAsync(string? regionPrefix = null, HospitalTier? tier = null, CancellationToken cancellationToken = default) =>
        SurveyByTier(await SurveyGroupsAsync(0, regionPrefix, tier, cancellationToken));

    /// <summary>Survey shares per region (grouped as in <see cref="ByRegionAsync"/>).</summary>
    public async Task<IReadOnlyList<SurveyStatistics>> SurveyByRegionAsync(int codeLength, string? regionPrefix = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codeLength, 1);
        return SurveyByRegion(await SurveyGroupsAsync(codeLength, regionPrefix, tier, cancellationToken));
    }

    /// <summary>
    /// Lifecycle rates and survey shares per tier and per region at once: two grouped queries (systems, institutions)
    /// by tier and region, the tier and region rows summed from them.
    /// </summary>
    public async Task<(IReadOnlyList<LifecycleStatistics> Tiers, IReadOnlyList<LifecycleStatistics> Regions, IReadOnlyList<SurveyStatistics> TierSurveys, IReadOnlyList<SurveyStatistics> RegionSurveys)>
        ByTierAndRegionAsync(int codeLength, string? regionPrefix = null, HospitalTier? tier = null, DateOnly? assessedSince = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codeLength, 1);
        var lifecycle = await LifecycleGroupsAsync(codeLength, regionPrefix, tier, assessedSince, cancellationToken);
        var surveys = await SurveyGroupsAsync(codeLength, regionPrefix, tier, cancellationToken);
        return (ByTier(lifecycle), ByRegion(lifecycle), SurveyByTier(surveys), SurveyByRegion(surveys));
    }

    private static List<LifecycleStatistics> ByTier(List<LifecycleStatistics> groups) =>
        [.. groups.GroupBy(g => g.Tier!.Value).OrderBy(g => g.Key).Select(g => LifecycleStatistics.Total(g) with { Tier = g.Key })];

    private static List<LifecycleStatistics> ByRegion(List<LifecycleStatistics> groups) =>
        [.. groups.GroupBy(g => g.Region!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => LifecycleStatistics.Total(g) with { Region = g.Key })];

    private static List<SurveyStatistics> SurveyByTier(List<SurveyStatistics> groups) =>
        [.. groups.GroupBy(g => g.Tier!.Value).OrderBy(g => g.Key).Select(g => SurveyStatistics.Total(g) with { Tier = g.Key })];

    private static List<SurveyStatistics> SurveyByRegion(List<SurveyStatistics> groups) =>
        [.. groups.GroupBy(g => g.Region!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => SurveyStatistics.Total(g) with { Region = g.Key })];

    private IQueryable<Institution> Institutions(string? regionPrefix, HospitalTier? tier)
    {
        var institutions = db.Institutions.AsNoTracking();
        if (tier is { } t)
        {
            institutions = institutions.Where(i => i.Tier == t);
        }

        return string.IsNullOrEmpty(regionPrefix) ? institutions : institutions.Where(i => i.Region.StartsWith(regionPrefix));
    }

    /// <summary>
    /// The lifecycle counts per tier and region key (the first <paramref name="codeLength"/> characters; 0 = one key),
    /// counted by the database (COUNT of CASE per flag), with each group's institutions — institutions without systems
    /// included — from the institutions' grouped count.
    /// </summary>
    private async Task<List<LifecycleStatistics>> LifecycleGroupsAsync(int codeLength, string? regionPrefix, HospitalTier? tier, DateOnly? assessedSince, CancellationToken cancellationToken)
    {
        var institutions = Institutions(regionPrefix, tier);
        var length = Math.Max(codeLength, 0);
        var since = assessedSince ?? DateOnly.MinValue;
        var today = db.Today;
        var counted = await institutions.GroupBy(i => new { i.Tier, Region = length == 0 ? "" : i.Region.Substring(0, length) })
            .Select(g => new { g.Key.Tier, g.Key.Region, Count = g.Count() }).TagWith("figure:lifecycleInstitutions").ToListAsync(cancellationToken);
        // Flags as 0/1 per system first, then summed per group: the database pushes the per-system row into a subquery
        // and aggregates it once (a COUNT with a condition over the joined grouping made EF repeat the whole join per
        // aggregate and group).
        var systems = await (
            from s in db.Systems.AsNoTracking()
            join i in institutions on s.InstitutionId equals i.Id
            let level3 = s.Grading != null && (s.Grading.Level == ProtectionLevel.Level3 || s.Grading.Level == ProtectionLevel.Level4 || s.Grading.Level == ProtectionLevel.Level5)
            // A 测评 is a concluded 等级测评 dated by today (AssessmentRecord.CountsAsAssessment): not a 自查, not an empty
            // or unconcluded record, not one dated in the future.
            let assessed = s.Assessments.Any(a => a.Kind == AssessmentKind.LevelAssessment && a.Conclusion != null && a.AssessedOn >= since && a.AssessedOn <= today)
            let hasTasks = s.Rectifications.Any()
            let hasOpenTasks = s.Rectifications.Any(r => OpenStatuses.Contains(r.Status))
            select new
            {
                i.Tier,
                Region = length == 0 ? "" : i.Region.Substring(0, length),
                His = s.Business == BusinessKind.His ? 1 : 0,
                Graded = s.Grading != null ? 1 : 0,
                Level3 = level3 ? 1 : 0,
                // 已备案 only with a certificate (FilingRecord.IsCertified): a submitted filing does not count.
                Filed = s.Filing != null && s.Filing!.CertificateNumber != null && s.Filing!.CertificateNumber != "" && s.Filing!.CertificateIssuedOn != null ? 1 : 0,
                Level3Assessed = level3 && assessed ? 1 : 0,
                NeedingRectification = hasTasks ? 1 : 0,
                Rectified = hasTasks && !hasOpenTasks ? 1 : 0,
                HisLevel3 = s.Business == BusinessKind.His && level3 ? 1 : 0,
            })
            .GroupBy(x => new { x.Tier, x.Region })
            .Select(g => new
            {
                g.Key.Tier,
                g.Key.Region,
                Systems = g.Count(),
                Graded = g.Sum(x => x.Graded),
                Filed = g.Sum(x => x.Filed),
                Level3 = g.Sum(x => x.Level3),
                Level3Assessed = g.Sum(x => x.Level3Assessed),
                NeedingRectification = g.Sum(x => x.NeedingRectification),
                Rectified = g.Sum(x => x.Rectified),
                His = g.Sum(x => x.His),
                HisLevel3 = g.Sum(x => x.HisLevel3),
            }).TagWith("figure:lifecycleSystems").ToListAsync(cancellationToken);
        return [.. counted.Select(c =>
        {
            var s = systems.FirstOrDefault(x => x.Tier == c.Tier && x.Region == c.Region);
            return new LifecycleStatistics
            {
                Tier = c.Tier,
                Region = c.Region,
                Institutions = c.Count,
                Systems = s?.Systems ?? 0,
                Graded = s?.Graded ?? 0,
                Filed = s?.Filed ?? 0,
                Level3OrAbove = s?.Level3 ?? 0,
                Level3OrAboveAssessed = s?.Level3Assessed ?? 0,
                NeedingRectification = s?.NeedingRectification ?? 0,
                Rectified = s?.Rectified ?? 0,
                His = s?.His ?? 0,
                HisLevel3OrAbove = s?.HisLevel3 ?? 0,
            };
        })];
    }

    /// <summary>The survey shares per tier and region key, each question's yes and answered counted by the database.</summary>
    private async Task<List<SurveyStatistics>> SurveyGroupsAsync(int codeLength, string? regionPrefix, HospitalTier? tier, CancellationToken cancellationToken)
    {
        var length = Math.Max(codeLength, 0);
        const int staff = SurveyStatistics.StaffThreshold;
        const long records = SurveyStatistics.RecordsThreshold;
        var rows = await Institutions(regionPrefix, tier).GroupBy(i => new { i.Tier, Region = length == 0 ? "" : i.Region.Substring(0, length) })
            .Select(g => new
            {
                g.Key.Tier,
                g.Key.Region,
                Institutions = g.Count(),
                Staff = g.Count(i => i.Survey.SecurityStaffCount >= staff),
                StaffAnswered = g.Count(i => i.Survey.SecurityStaffCount != null),
                Records = g.Count(i => i.Survey.PersonalDataRecords >= records),
                RecordsAnswered = g.Count(i => i.Survey.PersonalDataRecords != null),
                Devices = g.Count(i => i.Survey.UsesCryptoDevices == true),
                DevicesAnswered = g.Count(i => i.Survey.UsesCryptoDevices != null),
                Algorithms = g.Count(i => i.Survey.UsesCryptoAlgorithms == true),
                AlgorithmsAnswered = g.Count(i => i.Survey.UsesCryptoAlgorithms != null),
                Crypto = g.Count(i => i.Survey.UsesDomesticCryptoProducts == true),
                CryptoAnswered = g.Count(i => i.Survey.UsesDomesticCryptoProducts != null),
                Os = g.Count(i => i.Survey.UsesDomesticOperatingSystem == true),
                OsAnswered = g.Count(i => i.Survey.UsesDomesticOperatingSystem != null),
                Database = g.Count(i => i.Survey.UsesDomesticDatabase == true),
                DatabaseAnswered = g.Count(i => i.Survey.UsesDomesticDatabase != null),
                Middleware = g.Count(i => i.Survey.UsesDomesticMiddleware == true),
                MiddlewareAnswered = g.Count(i => i.Survey.UsesDomesticMiddleware != null),
                Lacks = g.Count(i => i.Survey.LacksProfessionals == true),
                LacksAnswered = g.Count(i => i.Survey.LacksProfessionals != null),
            }).TagWith("figure:survey").ToListAsync(cancellationToken);
        return [.. rows.Select(r => new SurveyStatistics
        {
            Tier = r.Tier,
            Region = r.Region,
            Institutions = r.Institutions,
            AtLeastFiveSecurityStaff = new(r.Staff, r.StaffAnswered),
            AtLeastMillionRecords = new(r.Records, r.RecordsAnswered),
            UsesCryptoDevices = new(r.Devices, r.DevicesAnswered),
            UsesCryptoAlgorithms = new(r.Algorithms, r.AlgorithmsAnswered),
            UsesDomesticCryptoProducts = new(r.Crypto, r.CryptoAnswered),
            UsesDomesticOperatingSystem = new(r.Os, r.OsAnswered),
            UsesDomesticDatabase = new(r.Database, r.DatabaseAnswered),
            UsesDomesticMiddleware = new(r.Middleware, r.MiddlewareAnswered),
            LacksProfessionals = new(r.Lacks, r.LacksAnswered),
        })];
    }

}
