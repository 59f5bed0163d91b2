using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Statistics;

/// <summary>
/// The sector figures the seed reports (定级率, 备案率, 测评率, 整改率, HIS 三级定级率, the survey shares), per hospital
/// tier, computed from the database. They go through the context's tenant filters, so a regulator gets its region's
/// figures and an institution its own. The database returns one narrow row per system (its flags computed in SQL);
/// the counting happens here, which keeps the query identical on SQLite and PostgreSQL.
/// </summary>
public sealed class SectorStatistics(MedGuardDbContext db)
{
    private static readonly RectificationStatus[] OpenStatuses = [RectificationStatus.Open, RectificationStatus.InProgress];

    /// <summary>Lifecycle rates per tier, tiers in their natural order, only tiers that have institutions.</summary>
    /// <param name="regionPrefix">Narrow to a region (within the tenant's own).</param>
    /// <param name="assessedSince">Count an assessment only from this date (e.g. a year back for "tested this year").</param>
    public async Task<IReadOnlyList<TierStatistics>> ByTierAsync(string? regionPrefix = null, DateOnly? assessedSince = null, CancellationToken cancellationToken = default)
    {
        var institutions = db.Institutions.AsNoTracking();
        if (!string.IsNullOrEmpty(regionPrefix))
        {
            institutions = institutions.Where(i => i.Region.StartsWith(regionPrefix));
        }

        var institutionCounts = await institutions.GroupBy(i => i.Tier).Select(g => new { Tier = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);

        var since = assessedSince ?? DateOnly.MinValue;
        var rows = await (
            from s in db.Systems.AsNoTracking()
            join i in institutions on s.InstitutionId equals i.Id
            select new
            {
                i.Tier,
                s.Business,
                Graded = s.Grading != null,
                Level = s.Grading != null ? (ProtectionLevel?)s.Grading.Level : null,
                Filed = s.Filing != null,
                Assessed = s.Assessments.Any(a => a.AssessedOn >= since),
                HasTasks = s.Rectifications.Any(),
                HasOpenTasks = s.Rectifications.Any(r => OpenStatuses.Contains(r.Status)),
            }).ToListAsync(cancellationToken);

        return [.. institutionCounts.OrderBy(c => c.Tier).Select(c =>
        {
            var tier = rows.Where(r => r.Tier == c.Tier).ToList();
            var level3 = tier.Where(r => r.Level >= ProtectionLevel.Level3).ToList();
            var his = tier.Where(r => r.Business == BusinessKind.His).ToList();
            return new TierStatistics
            {
                Tier = c.Tier,
                Institutions = c.Count,
                Systems = tier.Count,
                Graded = tier.Count(r => r.Graded),
                Filed = tier.Count(r => r.Filed),
                Level3OrAbove = level3.Count,
                Level3OrAboveAssessed = level3.Count(r => r.Assessed),
                NeedingRectification = tier.Count(r => r.HasTasks),
                Rectified = tier.Count(r => r.HasTasks && !r.HasOpenTasks),
                His = his.Count,
                HisLevel3OrAbove = his.Count(r => r.Level >= ProtectionLevel.Level3),
            };
        })];
    }

    /// <summary>Survey shares per tier (DOMAIN.md §7).</summary>
    public async Task<IReadOnlyList<SurveyStatistics>> SurveyByTierAsync(string? regionPrefix = null, CancellationToken cancellationToken = default)
    {
        var institutions = db.Institutions.AsNoTracking();
        if (!string.IsNullOrEmpty(regionPrefix))
        {
            institutions = institutions.Where(i => i.Region.StartsWith(regionPrefix));
        }

        var rows = await institutions.Select(i => new { i.Tier, i.Survey }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => r.Tier).OrderBy(g => g.Key).Select(g =>
        {
            var answers = g.Select(r => r.Survey).ToList();
            return new SurveyStatistics
            {
                Tier = g.Key,
                Institutions = answers.Count,
                AtLeastFiveSecurityStaff = Count(answers, s => s.SecurityStaffCount is { } n ? n >= SurveyStatistics.StaffThreshold : null),
                AtLeastMillionRecords = Count(answers, s => s.PersonalDataRecords is { } n ? n >= SurveyStatistics.RecordsThreshold : null),
                UsesCryptoDevices = Count(answers, s => s.UsesCryptoDevices),
                UsesCryptoAlgorithms = Count(answers, s => s.UsesCryptoAlgorithms),
                UsesDomesticCryptoProducts = Count(answers, s => s.UsesDomesticCryptoProducts),
                UsesDomesticOperatingSystem = Count(answers, s => s.UsesDomesticOperatingSystem),
                UsesDomesticDatabase = Count(answers, s => s.UsesDomesticDatabase),
                UsesDomesticMiddleware = Count(answers, s => s.UsesDomesticMiddleware),
                LacksProfessionals = Count(answers, s => s.LacksProfessionals),
            };
        })];
    }

    private static Share Count(List<InstitutionSurvey> answers, Func<InstitutionSurvey, bool?> question)
    {
        var answered = answers.Select(question).Where(a => a is not null).ToList();
        return new Share(answered.Count(a => a == true), answered.Count);
    }
}
