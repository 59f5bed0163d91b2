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
    public async Task<IReadOnlyList<LifecycleStatistics>> ByTierAsync(string? regionPrefix = null, DateOnly? assessedSince = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        var (institutions, systems) = await LoadAsync(regionPrefix, tier, assessedSince, cancellationToken);
        return [.. institutions.GroupBy(i => i.Tier).OrderBy(g => g.Key)
            .Select(g => Count(g.Count(), systems.Where(s => s.Tier == g.Key).ToList()) with { Tier = g.Key })];
    }

    /// <summary>
    /// Lifecycle rates per region: institutions grouped by the first <paramref name="codeLength"/> characters of their
    /// region code (行政区划: 2 province, 4 city, 6 county), in code order.
    /// </summary>
    public async Task<IReadOnlyList<LifecycleStatistics>> ByRegionAsync(int codeLength, string? regionPrefix = null, DateOnly? assessedSince = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codeLength, 1);
        var (institutions, systems) = await LoadAsync(regionPrefix, tier, assessedSince, cancellationToken);
        return [.. institutions.GroupBy(i => RegionKey(i.Region, codeLength)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Count(g.Count(), systems.Where(s => RegionKey(s.Region, codeLength) == g.Key).ToList()) with { Region = g.Key })];
    }

    /// <summary>Survey shares per tier (DOMAIN.md §7).</summary>
    public async Task<IReadOnlyList<SurveyStatistics>> SurveyByTierAsync(string? regionPrefix = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        var rows = await SurveysAsync(regionPrefix, tier, cancellationToken);
        return [.. rows.GroupBy(r => r.Tier).OrderBy(g => g.Key).Select(g => Survey(g.Select(r => r.Survey).ToList()) with { Tier = g.Key })];
    }

    /// <summary>Survey shares per region (grouped as in <see cref="ByRegionAsync"/>).</summary>
    public async Task<IReadOnlyList<SurveyStatistics>> SurveyByRegionAsync(int codeLength, string? regionPrefix = null, HospitalTier? tier = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codeLength, 1);
        var rows = await SurveysAsync(regionPrefix, tier, cancellationToken);
        return [.. rows.GroupBy(r => RegionKey(r.Region, codeLength)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Survey(g.Select(r => r.Survey).ToList()) with { Region = g.Key })];
    }

    private sealed record InstitutionRow(HospitalTier Tier, string Region);

    private sealed record SystemRow(HospitalTier Tier, string Region, BusinessKind Business, bool Graded, ProtectionLevel? Level, bool Filed, bool Assessed, bool HasTasks, bool HasOpenTasks);

    private sealed record SurveyRow(HospitalTier Tier, string Region, InstitutionSurvey Survey);

    private IQueryable<Institution> Institutions(string? regionPrefix, HospitalTier? tier)
    {
        var institutions = db.Institutions.AsNoTracking();
        if (tier is { } t)
        {
            institutions = institutions.Where(i => i.Tier == t);
        }

        return string.IsNullOrEmpty(regionPrefix) ? institutions : institutions.Where(i => i.Region.StartsWith(regionPrefix));
    }

    private async Task<(List<InstitutionRow> Institutions, List<SystemRow> Systems)> LoadAsync(string? regionPrefix, HospitalTier? tier, DateOnly? assessedSince, CancellationToken cancellationToken)
    {
        var institutions = Institutions(regionPrefix, tier);
        var institutionRows = await institutions.Select(i => new InstitutionRow(i.Tier, i.Region)).ToListAsync(cancellationToken);

        var since = assessedSince ?? DateOnly.MinValue;
        var today = db.Today;
        var systemRows = await (
            from s in db.Systems.AsNoTracking()
            join i in institutions on s.InstitutionId equals i.Id
            select new SystemRow(
                i.Tier,
                i.Region,
                s.Business,
                s.Grading != null,
                s.Grading != null ? s.Grading.Level : null,
                // 已备案 only with a certificate (FilingRecord.IsCertified): a submitted filing does not count.
                s.Filing != null && s.Filing.CertificateNumber != null && s.Filing.CertificateNumber != "" && s.Filing.CertificateIssuedOn != null,
                // A 测评 is a concluded 等级测评 dated by today (AssessmentRecord.CountsAsAssessment): not a 自查, not an empty
                // or unconcluded record, not one dated in the future.
                s.Assessments.Any(a => a.Kind == AssessmentKind.LevelAssessment && a.Conclusion != null && a.AssessedOn >= since && a.AssessedOn <= today),
                s.Rectifications.Any(),
                s.Rectifications.Any(r => OpenStatuses.Contains(r.Status)))).ToListAsync(cancellationToken);
        return (institutionRows, systemRows);
    }

    private Task<List<SurveyRow>> SurveysAsync(string? regionPrefix, HospitalTier? tier, CancellationToken cancellationToken) =>
        Institutions(regionPrefix, tier).Select(i => new SurveyRow(i.Tier, i.Region, i.Survey)).ToListAsync(cancellationToken);

    private static string RegionKey(string region, int codeLength) => region.Length <= codeLength ? region : region[..codeLength];

    private static LifecycleStatistics Count(int institutions, List<SystemRow> systems)
    {
        var level3 = systems.Where(r => r.Level >= ProtectionLevel.Level3).ToList();
        var his = systems.Where(r => r.Business == BusinessKind.His).ToList();
        return new LifecycleStatistics
        {
            Institutions = institutions,
            Systems = systems.Count,
            Graded = systems.Count(r => r.Graded),
            Filed = systems.Count(r => r.Filed),
            Level3OrAbove = level3.Count,
            Level3OrAboveAssessed = level3.Count(r => r.Assessed),
            NeedingRectification = systems.Count(r => r.HasTasks),
            Rectified = systems.Count(r => r.HasTasks && !r.HasOpenTasks),
            His = his.Count,
            HisLevel3OrAbove = his.Count(r => r.Level >= ProtectionLevel.Level3),
        };
    }

    private static SurveyStatistics Survey(List<InstitutionSurvey> answers) => new()
    {
        Institutions = answers.Count,
        AtLeastFiveSecurityStaff = Share(answers, s => s.SecurityStaffCount is { } n ? n >= SurveyStatistics.StaffThreshold : null),
        AtLeastMillionRecords = Share(answers, s => s.PersonalDataRecords is { } n ? n >= SurveyStatistics.RecordsThreshold : null),
        UsesCryptoDevices = Share(answers, s => s.UsesCryptoDevices),
        UsesCryptoAlgorithms = Share(answers, s => s.UsesCryptoAlgorithms),
        UsesDomesticCryptoProducts = Share(answers, s => s.UsesDomesticCryptoProducts),
        UsesDomesticOperatingSystem = Share(answers, s => s.UsesDomesticOperatingSystem),
        UsesDomesticDatabase = Share(answers, s => s.UsesDomesticDatabase),
        UsesDomesticMiddleware = Share(answers, s => s.UsesDomesticMiddleware),
        LacksProfessionals = Share(answers, s => s.LacksProfessionals),
    };

    private static Share Share(List<InstitutionSurvey> answers, Func<InstitutionSurvey, bool?> question)
    {
        var answered = answers.Select(question).Where(a => a is not null).ToList();
        return new Share(answered.Count(a => a == true), answered.Count);
    }
}
