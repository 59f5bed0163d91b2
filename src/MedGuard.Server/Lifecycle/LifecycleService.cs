using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Server.Auditing;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Catalog;
using MedGuard.Standards.Grading;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Lifecycle;

/// <summary>
/// The 等保 lifecycle over the standards engine: grading (GB/T 22240) → filing → assessment item by item (GB/T 28448)
/// with its conclusion → rectification tasks; and the deadlines the obligations engine computes. Pages and the API
/// both come here, always with the request's tenant-scoped database, so what a user may touch is decided by storage.
/// </summary>
public sealed class LifecycleService(SensitiveFields sensitive, TimeProvider clock)
{
    public DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public static RequirementCatalog Catalog => CatalogLoader.Default;

    public async Task<ProtectedSystem> LoadSystemAsync(MedGuardDbContext db, Guid systemId) =>
        await db.Systems
            .Include(s => s.Institution)
            .Include(s => s.Grading)
            .Include(s => s.Filing)
            .Include(s => s.Assessments)
            .Include(s => s.Rectifications)
            .AsSplitQuery()
            .FirstOrDefaultAsync(s => s.Id == systemId)
        ?? throw new KeyNotFoundException("定级对象不存在或不在您的权限范围内");

    /// <summary>Runs the grading engine without saving (the wizard's live preview).</summary>
    public GradingResult Preview(ProtectedSystem system, GradingInput input) => new Grader().Grade(Request(system, input));

    public async Task<GradingResult> GradeAsync(MedGuardDbContext db, Guid systemId, GradingInput input)
    {
        var system = await LoadSystemAsync(db, systemId);
        GradingResult result;
        try
        {
            result = Preview(system, input);
        }
        catch (Exception ex) when (ex is GradingException or FormatException)
        {
            throw new LifecycleException(ex.Message);
        }

        var grading = system.Grading ?? new GradingRecord { SystemId = system.Id };
        var newLevel = ProtectionLevelNames.FromNumber(result.Level);
        if (system.Grading is not null && system.Grading.Level != newLevel)
        {
            // A changed level needs a new expert review and approval (2025 rules).
            grading.ExpertReviewed = false;
            grading.ExpertReviewedOn = null;
            grading.SupervisorApproved = false;
            grading.SupervisorApprovedOn = null;
        }

        grading.BusinessInformationLevel = ProtectionLevelNames.FromNumber(result.InformationLevel);
        grading.SystemServiceLevel = ProtectionLevelNames.FromNumber(result.ServiceLevel);
        grading.Level = newLevel;
        grading.MatrixEdition = result.Edition;
        grading.Reasons = [.. result.Reasons, .. result.Warnings.Select(w => "提示：" + w)];
        grading.GradedOn = input.GradedOn ?? Today;
        system.IsCriticalInfrastructure = input.IsCriticalInfrastructure;
        if (system.Grading is null)
        {
            system.Grading = grading;
        }

        await db.SaveChangesAsync();
        return result;
    }

    public async Task<FilingRecord> FileAsync(MedGuardDbContext db, Guid systemId, FilingInput input)
    {
        var system = await LoadSystemAsync(db, systemId);
        if (system.Grading is null)
        {
            throw new LifecycleException("请先完成定级，再办理备案");
        }

        if (system.Grading.Level < ProtectionLevel.Level2)
        {
            throw new LifecycleException("第一级定级对象无需备案（第二级及以上须向公安机关备案）");
        }

        if (input.FiledOn < system.Grading.GradedOn)
        {
            throw new LifecycleException("备案日期不能早于定级日期");
        }

        if (input.FiledOn > Today)
        {
            throw new LifecycleException("备案日期不能晚于今天");
        }

        var policy = ObligationPolicy.Default;
        var filing = system.Filing ?? new FilingRecord { SystemId = system.Id };
        filing.FiledOn = input.FiledOn;
        filing.CertificateNumber = string.IsNullOrWhiteSpace(input.CertificateNumber) ? null : input.CertificateNumber.Trim();
        filing.PoliceOrgan = string.IsNullOrWhiteSpace(input.PoliceOrgan) ? null : input.PoliceOrgan.Trim();
        filing.CertificateIssuedOn = input.CertificateIssuedOn;
        filing.CertificateValidUntil = (input.CertificateIssuedOn ?? input.FiledOn).AddYears(policy.CertificateValidityYears);
        system.Filing ??= filing;
        await db.SaveChangesAsync();
        return filing;
    }

    public async Task<AssessmentRecord> StartAssessmentAsync(MedGuardDbContext db, Guid systemId, DateOnly assessedOn, string template, Guid? agencyId, string? agencyName)
    {
        var system = await LoadSystemAsync(db, systemId);
        if (system.Grading is null)
        {
            throw new LifecycleException("请先完成定级，再开展等级测评");
        }

        var level = (int)system.Grading.Level;
        if (level > 4)
        {
            throw new LifecycleException("第五级的测评要求不公开，平台不支持录入");
        }

        _ = ConclusionPolicy.ParseTemplate(template);
        var assessment = new AssessmentRecord
        {
            SystemId = system.Id,
            Level = level,
            Extensions = ExtensionsFor(system.Type).Select(e => e.ChineseName()).ToList(),
            AssessedOn = assessedOn,
            Template = template,
            AgencyId = agencyId,
            Agency = agencyName,
        };
        db.Assessments.Add(assessment);
        await db.SaveChangesAsync();
        return assessment;
    }

    public async Task<(AssessmentRecord Assessment, ProtectedSystem System)> LoadAssessmentAsync(MedGuardDbContext db, Guid assessmentId)
    {
        var assessment = await db.Assessments.Include(a => a.Results).FirstOrDefaultAsync(a => a.Id == assessmentId)
            ?? throw new KeyNotFoundException("测评记录不存在或不在您的权限范围内");
        var system = await LoadSystemAsync(db, assessment.SystemId);
        return (assessment, system);
    }

    /// <summary>The catalog items this assessment is scored against.</summary>
    public static IReadOnlyList<RequirementAtLevel> ItemsOf(AssessmentRecord assessment) =>
        Catalog.ForAssessment(assessment.Level, assessment.Extensions.Select(ParseSection));

    public async Task<int> SaveItemsAsync(MedGuardDbContext db, Guid assessmentId, IEnumerable<ItemInput> inputs)
    {
        var (assessment, _) = await LoadAssessmentAsync(db, assessmentId);
        var allowed = ItemsOf(assessment).ToDictionary(i => i.Code, StringComparer.OrdinalIgnoreCase);
        var changed = 0;
        foreach (var input in inputs)
        {
            if (!allowed.TryGetValue(input.Code, out var item))
            {
                throw new LifecycleException($"测评项 {input.Code} 不属于本次测评（第{assessment.Level}级）");
            }

            if (string.IsNullOrWhiteSpace(input.Result))
            {
                continue; // not entered yet
            }

            if (!ItemResultNames.TryParse(input.Result, out var value))
            {
                throw new LifecycleException($"测评项 {input.Code} 的结果“{input.Result}”无效（应为 符合/部分符合/不符合/不适用）");
            }

            if (!string.IsNullOrWhiteSpace(input.Risk) && !SeverityNames.TryParse(input.Risk, out _))
            {
                throw new LifecycleException($"测评项 {input.Code} 的风险等级“{input.Risk}”无效（应为 高/中/低）");
            }

            var row = assessment.Results.FirstOrDefault(r => string.Equals(r.ItemCode, item.Code, StringComparison.OrdinalIgnoreCase));
            if (row is null)
            {
                row = new ItemResult { AssessmentId = assessment.Id, ItemCode = item.Code };
                assessment.Results.Add(row);
                db.ItemResults.Add(row);
            }

            row.Result = value;
            row.Risk = value is ItemResultValue.Conforming or ItemResultValue.NotApplicable ? null : input.Risk?.Trim();
            row.MajorHazard = input.MajorHazard && value != ItemResultValue.Conforming;
            if (input.Evidence is not null)
            {
                row.Evidence = sensitive.Seal(input.Evidence.Trim(), SensitiveFields.ItemEvidence);
            }

            changed++;
        }

        await db.SaveChangesAsync();
        return changed;
    }

    /// <summary>Scores the entered results, stores the conclusion, and opens a rectification task per shortfall.</summary>
    public async Task<AssessmentConclusion> ConcludeAsync(MedGuardDbContext db, Guid assessmentId)
    {
        var (assessment, system) = await LoadAssessmentAsync(db, assessmentId);
        var items = ItemsOf(assessment);
        var byCode = assessment.Results.ToDictionary(r => r.ItemCode, StringComparer.OrdinalIgnoreCase);
        var missing = items.Count(i => !byCode.ContainsKey(i.Code));
        if (missing > 0)
        {
            throw new LifecycleException($"尚有 {missing} 项未录入测评结果，全部录入后才能形成结论");
        }

        var assessed = items.Select(i =>
        {
            var r = byCode[i.Code];
            return new AssessedItem(i, r.Result, null, SeverityNames.TryParse(r.Risk, out var risk) ? risk : null, r.HighRiskCases, r.MajorHazard);
        }).ToList();
        var template = ConclusionPolicy.ParseTemplate(assessment.Template);
        var conclusion = ConclusionPolicy.Default.Conclude(assessment.Level, assessed, template);
        assessment.Conclusion = conclusion.Conclusion;
        assessment.Score = template == ConclusionTemplate.Template2021 ? conclusion.ComprehensiveScore : conclusion.ConformityRate;

        var existing = system.Rectifications.Where(r => r.AssessmentId == assessment.Id).Select(r => r.ItemCode).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var shortfall in conclusion.Rectification.Where(i => !existing.Contains(i.Item.Code)))
        {
            db.Rectifications.Add(new RectificationItem
            {
                SystemId = system.Id,
                AssessmentId = assessment.Id,
                ItemCode = shortfall.Item.Code,
                Title = $"{shortfall.Item.Category.Name} / {shortfall.Item.ControlPoint}：{Shorten(shortfall.Item.Text)}",
                Risk = shortfall.Risk?.ToChinese() ?? (shortfall.MajorHazard ? "高" : null),
                CreatedOn = Today,
                DueOn = Today.AddDays(shortfall.MajorHazard || shortfall.Risk == Severity.High ? 30 : 90),
                Owner = system.Institution?.Name,
            });
        }

        await db.SaveChangesAsync();
        return conclusion;
    }

    /// <summary>The system's obligations on <paramref name="asOf"/> (today by default).</summary>
    public ObligationSchedule? Schedule(ProtectedSystem system, DateOnly? asOf = null)
    {
        if (system.Grading is null)
        {
            return null;
        }

        var facts = new ObligationFacts
        {
            Level = (int)system.Grading.Level,
            IsCriticalInfrastructure = system.IsCriticalInfrastructure,
            GradedOn = system.Grading.GradedOn,
            FiledOn = system.Filing?.FiledOn,
            CertificateIssuedOn = system.Filing?.CertificateIssuedOn,
            AssessmentDates = system.Assessments.Where(a => a.Conclusion is not null).Select(a => a.AssessedOn).ToList(),
        };
        return ObligationPolicy.Default.Evaluate(facts, asOf ?? Today);
    }

    public static IEnumerable<CatalogSection> ExtensionsFor(GradingObjectType type) => type switch
    {
        GradingObjectType.CloudPlatform => [CatalogSection.Cloud],
        GradingObjectType.MobileInternet => [CatalogSection.Mobile],
        GradingObjectType.InternetOfThings => [CatalogSection.Iot],
        GradingObjectType.IndustrialControl => [CatalogSection.Ics],
        GradingObjectType.BigData => [CatalogSection.BigData],
        _ => [],
    };

    private static CatalogSection ParseSection(string name) =>
        CatalogSections.Extensions.FirstOrDefault(s => s.ChineseName() == name, CatalogSection.General);

    private GradingRequest Request(ProtectedSystem system, GradingInput input) => new()
    {
        InformationObject = input.InformationObject,
        InformationDegree = input.InformationDegree,
        ServiceObject = input.ServiceObject,
        ServiceDegree = input.ServiceDegree,
        ObjectType = system.Type,
        IsCriticalInfrastructure = input.IsCriticalInfrastructure,
        MatrixEdition = string.IsNullOrWhiteSpace(input.MatrixEdition) ? null : input.MatrixEdition,
        HospitalTier = system.Institution?.Tier,
        IsCoreBusinessSystem = system.IsCore,
        GradedOn = input.GradedOn ?? Today,
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
