using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Reports.Inputs;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Reports;

/// <summary>
/// Loads the platform's records into the report engine's input records (issue 17) through the caller's tenant-scoped
/// context: what the caller cannot see is not found (KeyNotFoundException). Shared by the server and the CLI; the
/// situation report's figures are mapped in the server (Reports/SituationFigures) from the dashboard's statistics.
/// </summary>
public sealed class ReportRecords(MedGuardDbContext db, Func<FindingRecord, IReadOnlyDictionary<string, string>>? evidence = null)
{
    public async Task<(GradingReportInput Input, ProtectedSystem System)> GradingAsync(Guid systemId, DateOnly today, CancellationToken ct = default)
    {
        var system = await SystemAsync(systemId, ct);
        return (new GradingReportInput(await UnitAsync(system.Institution!, ct), await SystemFactsAsync(system, ct), Grading(system.Grading), today), system);
    }

    public async Task<(FilingFormInput Input, ProtectedSystem System)> FilingAsync(Guid systemId, DateOnly today, CancellationToken ct = default)
    {
        var system = await SystemAsync(systemId, ct);
        var levels = await db.Systems.AsNoTracking().Where(s => s.InstitutionId == system.InstitutionId && s.Grading != null)
            .Select(s => s.Grading!.Level).ToListAsync(ct);
        var counts = levels.GroupBy(l => (int)l).ToDictionary(g => g.Key, g => g.Count());
        var f = system.Filing;
        var latest = system.Assessments.OrderByDescending(a => a.AssessedOn).FirstOrDefault();
        return (new FilingFormInput(await UnitAsync(system.Institution!, ct), await SystemFactsAsync(system, ct), Grading(system.Grading),
            f is null ? null : new FilingFacts(f.FiledOn, f.CertificateNumber, f.PoliceOrgan, f.CertificateIssuedOn, f.CertificateValidUntil),
            counts, latest?.Extensions ?? [], today), system);
    }

    public async Task<(AssessmentReportInput Input, AssessmentRecord Assessment, ProtectedSystem System)> AssessmentAsync(Guid assessmentId, DateOnly today, CancellationToken ct = default)
    {
        var assessment = await db.Assessments.AsNoTracking().Include(a => a.Results).FirstOrDefaultAsync(a => a.Id == assessmentId, ct)
            ?? throw new KeyNotFoundException("测评记录不存在或不在您的权限范围内");
        var system = await SystemAsync(assessment.SystemId, ct);
        var catalogItems = CatalogLoader.Default.ForAssessment(assessment.Level, assessment.Extensions.Select(e => CatalogSections.Extensions.FirstOrDefault(s => s.ChineseName() == e, CatalogSection.General)));
        var byCode = assessment.Results.ToDictionary(r => r.ItemCode, StringComparer.OrdinalIgnoreCase);
        var items = catalogItems.Where(i => byCode.ContainsKey(i.Code)).Select(i =>
        {
            var r = byCode[i.Code];
            return new AssessedItem(i, r.Result, null, SeverityNames.TryParse(r.Risk, out var risk) ? risk : null, r.HighRiskCases, r.MajorHazard);
        }).ToList();
        var tasks = system.Rectifications.Where(r => r.AssessmentId == assessment.Id).OrderBy(r => r.DueOn).Select(r =>
            new RectificationFacts(r.Title, r.ItemCode, r.Risk, r.DueOn, RectificationName(r.Status), r.Owner)).ToList();
        var input = new AssessmentReportInput
        {
            Unit = await UnitAsync(system.Institution!, ct),
            System = await SystemFactsAsync(system, ct),
            Level = assessment.Level,
            KindName = assessment.KindName,
            Agency = assessment.Agency,
            AssessedOn = assessment.AssessedOn,
            ReportNumber = assessment.ReportNumber,
            Template = assessment.Template,
            Extensions = assessment.Extensions,
            Items = items,
            MissingItems = catalogItems.Count - items.Count,
            RecordedConclusion = assessment.Conclusion,
            RecordedScore = assessment.Score,
            Rectifications = tasks,
            IssuedOn = today,
        };
        return (input, assessment, system);
    }

    /// <summary>The institution's open findings (and those fixed but not yet re-tested are not listed: they are closed).</summary>
    public async Task<(DetectionNoticeInput Input, Institution Institution)> NoticeAsync(Guid institutionId, string issuer, DateOnly today, CancellationToken ct = default)
    {
        var institution = await db.Institutions.AsNoTracking().Include(i => i.Contacts).FirstOrDefaultAsync(i => i.Id == institutionId, ct)
            ?? throw new KeyNotFoundException("医疗机构不存在或不在您的权限范围内");
        var findings = (await db.Findings.AsNoTracking().Where(f => f.InstitutionId == institutionId).ToListAsync(ct)).Where(f => f.Status.IsOpen()).ToList();
        var assets = await db.Assets.AsNoTracking().Where(a => a.InstitutionId == institutionId).ToDictionaryAsync(a => a.Id, ct);
        var systems = await db.Systems.AsNoTracking().Where(s => s.InstitutionId == institutionId).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var notice = findings.Select(f => new NoticeFinding
        {
            Asset = assets.TryGetValue(f.AssetId, out var a) ? a.Value : f.TargetDisplay,
            System = f.SystemId is { } sid && systems.TryGetValue(sid, out var name) ? name : null,
            Detector = f.Detector,
            RuleId = f.RuleId,
            Title = f.Title,
            Severity = f.Severity,
            Target = f.TargetDisplay,
            Evidence = evidence is null || f.EvidenceCiphertext is null ? null : string.Join("；", evidence(f).Select(kv => $"{kv.Key}: {kv.Value}")),
            StandardRefs = f.StandardRefList,
            Cwe = f.Cwe,
            Remediation = f.Remediation,
            DueOn = f.DueOn,
            Status = f.Status.ToChinese(),
            FirstSeen = DateOnly.FromDateTime(f.FirstSeenAt.ToOffset(TimeSpan.FromHours(8)).DateTime),
        }).ToList();
        return (new DetectionNoticeInput(await UnitAsync(institution, ct), issuer, today, notice), institution);
    }

    private async Task<ProtectedSystem> SystemAsync(Guid systemId, CancellationToken ct) =>
        await db.Systems.AsNoTracking()
            .Include(s => s.Institution).ThenInclude(i => i!.Contacts)
            .Include(s => s.Grading)
            .Include(s => s.Filing)
            .Include(s => s.Assessments)
            .Include(s => s.Rectifications)
            .AsSplitQuery()
            .FirstOrDefaultAsync(s => s.Id == systemId, ct)
        ?? throw new KeyNotFoundException("定级对象不存在或不在您的权限范围内");

    private Task<UnitFacts> UnitAsync(Institution i, CancellationToken ct)
    {
        _ = ct;
        static ContactFacts? Contact(Institution i, ContactRole role) =>
            i.Contacts.FirstOrDefault(c => c.Role == role) is { } c ? new ContactFacts(c.Name, c.Title, null, c.Email) : null;
        return Task.FromResult(new UnitFacts
        {
            Name = i.Name,
            CreditCode = i.CreditCode,
            Address = i.Address,
            RegionCode = i.Region,
            RegionName = AdministrativeRegions.FullName(i.Region),
            Tier = i.Tier.ToChinese(),
            DirectlyAffiliated = i.DirectlyAffiliated,
            Head = Contact(i, ContactRole.Head),
            SecurityDepartment = Contact(i, ContactRole.SecurityDepartment),
            DataSecurityDepartment = Contact(i, ContactRole.DataSecurityDepartment),
            PersonalDataRecords = i.Survey.PersonalDataRecords,
        });
    }

    private async Task<SystemFacts> SystemFactsAsync(ProtectedSystem s, CancellationToken ct)
    {
        var assets = await db.Assets.AsNoTracking().Where(a => a.SystemId == s.Id).OrderBy(a => a.Kind).ThenBy(a => a.Value).ToListAsync(ct);
        var ports = await db.Findings.AsNoTracking().Where(f => f.SystemId == s.Id && f.Port != null && f.Host != null)
            .Select(f => new { f.Host, f.Port }).Distinct().ToListAsync(ct);
        return new SystemFacts
        {
            Name = s.Name,
            ObjectType = ObjectTypeName(s.Type),
            Business = BusinessName(s.Business),
            Description = s.Description,
            InServiceSince = s.InServiceSince,
            InternetFacing = s.InternetFacing,
            IsCriticalInfrastructure = s.IsCriticalInfrastructure,
            IsCore = s.IsCore,
            Assets = [.. assets.Select(a => new AssetFacts(a.Kind.ToChinese(), a.Value,
                a.Kind == AssetKind.Ip && ports.Where(p => p.Host == a.Value).Select(p => p.Port!.Value).Order().ToList() is { Count: > 0 } open ? string.Join(", ", open.Select(p => $"{p}/tcp")) : null,
                a.Name ?? a.Note))],
        };
    }

    private static GradingFacts? Grading(GradingRecord? g) => g is null ? null : new GradingFacts
    {
        InformationLevel = (int)g.BusinessInformationLevel,
        ServiceLevel = (int)g.SystemServiceLevel,
        Level = (int)g.Level,
        MatrixEdition = g.MatrixEdition,
        Reasons = g.Reasons,
        GradedOn = g.GradedOn,
        ExpertReviewed = g.ExpertReviewed,
        ExpertReviewedOn = g.ExpertReviewedOn,
        ExpertReviewers = g.ExpertReviewers,
        Approval = g.Approval switch
        {
            ApprovalState.Approved => "已核准",
            ApprovalState.Requested => "待核准",
            ApprovalState.Refused => "未予核准",
            _ => "未申请",
        },
        ApprovedOn = g.SupervisorApprovedOn,
        ApprovedBy = g.ApprovalDecidedBy,
    };

    public static string ObjectTypeName(GradingObjectType type) => type switch
    {
        GradingObjectType.InformationSystem => "信息系统",
        GradingObjectType.BasicNetwork => "通信网络设施",
        GradingObjectType.CloudPlatform => "信息系统（云计算平台）",
        GradingObjectType.MobileInternet => "信息系统（移动互联）",
        GradingObjectType.InternetOfThings => "信息系统（物联网）",
        GradingObjectType.IndustrialControl => "信息系统（工业控制系统）",
        GradingObjectType.BigData => "信息系统（大数据）",
        GradingObjectType.DataResource => "数据资源",
        _ => "单一设备（不可定级）",
    };

    public static string BusinessName(BusinessKind kind) => kind switch
    {
        BusinessKind.His => "医院信息系统（HIS）",
        BusinessKind.Lis => "检验信息系统（LIS）",
        BusinessKind.Pacs => "影像归档和通信系统（PACS）",
        BusinessKind.Emr => "电子病历（EMR）",
        BusinessKind.Portal => "门户网站",
        BusinessKind.MobileApp => "移动应用",
        BusinessKind.WeChat => "微信公众号",
        BusinessKind.Platform => "信息平台",
        _ => "其他",
    };

    private static string RectificationName(RectificationStatus status) => status switch
    {
        RectificationStatus.Open => "待整改",
        RectificationStatus.InProgress => "整改中",
        RectificationStatus.Fixed => "已整改待复测",
        RectificationStatus.Verified => "复测通过",
        _ => "风险接受",
    };
}
