using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Systems;
using MedGuard.Server.Auditing;
using MedGuard.Standards.Assessment;
using MedGuard.Standards.Catalog;
using MedGuard.Standards.Grading;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using MedGuard.Storage.Tenancy;
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
            grading.ExpertReviewers = null;
            WithdrawApproval(grading);
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

    /// <summary>专家评审: the hospital records the review it organised — when, and who reviewed (names and organisations).</summary>
    public async Task<GradingRecord> RecordExpertReviewAsync(MedGuardDbContext db, Guid systemId, DateOnly reviewedOn, string? reviewers)
    {
        var system = await LoadSystemAsync(db, systemId);
        var grading = system.Grading ?? throw new LifecycleException("请先完成定级，再记录专家评审");
        if (reviewedOn < grading.GradedOn || reviewedOn > Today)
        {
            throw new LifecycleException("专家评审日期应在定级日期与今天之间");
        }

        if (string.IsNullOrWhiteSpace(reviewers))
        {
            throw new LifecycleException("请填写评审专家姓名及所在单位");
        }

        grading.ExpertReviewed = true;
        grading.ExpertReviewedOn = reviewedOn;
        grading.ExpertReviewers = reviewers.Trim();
        await db.SaveChangesAsync();
        return grading;
    }

    /// <summary>申请主管部门核准: the hospital asks once the expert review is recorded.</summary>
    public async Task<GradingRecord> RequestApprovalAsync(MedGuardDbContext db, Guid systemId)
    {
        var system = await LoadSystemAsync(db, systemId);
        var grading = system.Grading ?? throw new LifecycleException("请先完成定级，再申请主管部门核准");
        if (grading.Level < ProtectionLevel.Level2)
        {
            throw new LifecycleException("第一级定级对象无需主管部门核准");
        }

        if (!grading.ExpertReviewed)
        {
            throw new LifecycleException("定级尚未通过专家评审，请先记录专家评审再申请核准");
        }

        if (grading.Approval is ApprovalState.Requested or ApprovalState.Approved)
        {
            throw new LifecycleException(grading.SupervisorApproved ? "定级已经主管部门核准" : "已申请核准，请等待主管部门审批");
        }

        WithdrawApproval(grading);
        grading.ApprovalRequestedOn = Today;
        await db.SaveChangesAsync();
        return grading;
    }

    /// <summary>主管部门核准 or its refusal (with the reason): only a regulator whose region covers the institution.</summary>
    public async Task<GradingRecord> DecideApprovalAsync(MedGuardDbContext db, Guid systemId, bool approve, string? reason, string decidedBy)
    {
        if (db.Scope.Kind != TenantKind.Regulator)
        {
            throw new LifecycleException("主管部门核准须由本地区监管部门作出");
        }

        var system = await LoadSystemAsync(db, systemId); // a regulator sees only its region's systems
        var grading = system.Grading ?? throw new LifecycleException("该定级对象尚未定级");
        if (grading.Approval != ApprovalState.Requested)
        {
            throw new LifecycleException(grading.SupervisorApproved ? "定级已经核准" : "医疗机构尚未申请核准");
        }

        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            throw new LifecycleException("不予核准须写明理由");
        }

        grading.SupervisorApproved = approve;
        grading.SupervisorApprovedOn = approve ? Today : null;
        grading.ApprovalRefusalReason = approve ? null : reason!.Trim();
        grading.ApprovalDecidedBy = decidedBy;
        grading.ApprovalDecidedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync();
        return grading;
    }

    private static void WithdrawApproval(GradingRecord grading)
    {
        grading.SupervisorApproved = false;
        grading.SupervisorApprovedOn = null;
        grading.ApprovalRequestedOn = null;
        grading.ApprovalDecidedBy = null;
        grading.ApprovalDecidedAt = null;
        grading.ApprovalRefusalReason = null;
    }

    /// <summary>
    /// 备案: refused before the grading's expert review and 主管部门核准 (DOMAIN.md §2, the flow 专家评审 → 主管部门核准 →
    /// 公安机关备案审查). Without a 备案证明 (number and issue date) the filing stays 已提交.
    /// </summary>
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

        if (!system.Grading.ExpertReviewed)
        {
            throw new LifecycleException("定级尚未通过专家评审，不能备案");
        }

        if (!system.Grading.SupervisorApproved)
        {
            throw new LifecycleException("定级尚未经主管部门核准，不能备案（请先申请核准）");
        }

        var number = string.IsNullOrWhiteSpace(input.CertificateNumber) ? null : input.CertificateNumber.Trim();
        if ((number is null) != (input.CertificateIssuedOn is null))
        {
            throw new LifecycleException("备案证明编号和签发日期须同时填写（未取得备案证明时两项都留空，备案状态为“已提交”）");
        }

        if (input.CertificateIssuedOn is { } issued && (issued < input.FiledOn || issued > Today))
        {
            throw new LifecycleException("备案证明签发日期应在备案日期与今天之间");
        }

        var policy = ObligationPolicy.Default;
        var filing = system.Filing ?? new FilingRecord { SystemId = system.Id };
        filing.FiledOn = input.FiledOn;
        filing.CertificateNumber = number;
        filing.PoliceOrgan = string.IsNullOrWhiteSpace(input.PoliceOrgan) ? null : input.PoliceOrgan.Trim();
        filing.CertificateIssuedOn = input.CertificateIssuedOn;
        filing.CertificateValidUntil = input.CertificateIssuedOn?.AddYears(policy.CertificateValidityYears);
        system.Filing ??= filing;
        await db.SaveChangesAsync();
        return filing;
    }

    /// <summary>
    /// Starts an assessment: an agency's 等级测评 on a system assigned to it today, or a hospital's 自查 (never a
    /// 等级测评: that is the agency's). Refused for a future date, or when the system already has an open assessment
    /// on that day.
    /// </summary>
    public async Task<AssessmentRecord> StartAssessmentAsync(MedGuardDbContext db, Guid systemId, DateOnly assessedOn, string template)
    {
        var system = await LoadSystemAsync(db, systemId);
        if (system.Grading is null)
        {
            throw new LifecycleException("请先完成定级，再开展等级测评");
        }

        var (kind, agencyId) = db.Scope.Kind switch
        {
            TenantKind.Institution => (AssessmentKind.SelfInspection, (Guid?)null),
            TenantKind.Agency => (AssessmentKind.LevelAssessment, (Guid?)db.Scope.AgencyId),
            TenantKind.System => (AssessmentKind.LevelAssessment, (Guid?)null),
            _ => throw new LifecycleException("监管部门不开展测评"),
        };
        if (kind == AssessmentKind.LevelAssessment && agencyId is { } assigned
            && !await db.AgencyAssignments.AnyAsync(a => a.SystemId == systemId && a.AgencyId == assigned && a.AssignedOn <= Today && (a.EndsOn == null || a.EndsOn >= Today)))
        {
            throw new LifecycleException("该定级对象未委托给本测评机构（或委托已结束），不能开展等级测评");
        }

        if (assessedOn > Today)
        {
            throw new LifecycleException("测评日期不能晚于今天");
        }

        if (await db.Assessments.AnyAsync(a => a.SystemId == systemId && a.AssessedOn == assessedOn && a.Conclusion == null))
        {
            throw new LifecycleException($"该定级对象在 {assessedOn:yyyy-MM-dd} 已有一次未形成结论的测评，请继续录入该次测评");
        }

        var agencyName = agencyId is { } id ? await db.Agencies.Where(g => g.Id == id).Select(g => g.Name).FirstOrDefaultAsync() : null;

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
            Kind = kind,
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

    /// <summary>
    /// Whether the context's tenant may enter results into the assessment: the agency into its own 等级测评, the
    /// hospital into its 自查 (storage's save guard enforces the same; this gives the reason first).
    /// </summary>
    public static bool CanWrite(TenantScope scope, AssessmentRecord assessment) => scope.Kind switch
    {
        TenantKind.System => true,
        TenantKind.Institution => assessment.Kind == AssessmentKind.SelfInspection,
        TenantKind.Agency => assessment.Kind == AssessmentKind.LevelAssessment && assessment.AgencyId == scope.AgencyId,
        _ => false,
    };

    private static void EnsureWritable(MedGuardDbContext db, AssessmentRecord assessment)
    {
        if (!CanWrite(db.Scope, assessment))
        {
            throw new LifecycleException(assessment.Kind == AssessmentKind.SelfInspection
                ? "这是医疗机构的自查，测评机构不能录入"
                : "等级测评结果由测评机构录入，医疗机构只能查看");
        }

        if (assessment.Conclusion is not null)
        {
            throw new LifecycleException("该测评已形成结论，不能再修改");
        }
    }

    public async Task<int> SaveItemsAsync(MedGuardDbContext db, Guid assessmentId, IEnumerable<ItemInput> inputs)
    {
        var (assessment, _) = await LoadAssessmentAsync(db, assessmentId);
        EnsureWritable(db, assessment);
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
        EnsureWritable(db, assessment);
        var conclusion = Evaluate(assessment, out var missing);
        if (conclusion is null)
        {
            throw new LifecycleException($"尚有 {missing} 项未录入测评结果，全部录入后才能形成结论");
        }

        var template = ConclusionPolicy.ParseTemplate(assessment.Template);
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
                DueOn = Today.AddDays(RectificationDeadlines.DaysFor(shortfall.MajorHazard || shortfall.Risk == Severity.High)),
                Owner = system.Institution?.Name,
            });
        }

        await db.SaveChangesAsync();
        return conclusion;
    }

    /// <summary>Scores the entered results without saving; null (with the count missing) until every item has a result.</summary>
    public static AssessmentConclusion? Evaluate(AssessmentRecord assessment, out int missing)
    {
        var items = ItemsOf(assessment);
        var byCode = assessment.Results.ToDictionary(r => r.ItemCode, StringComparer.OrdinalIgnoreCase);
        missing = items.Count(i => !byCode.ContainsKey(i.Code));
        if (missing > 0)
        {
            return null;
        }

        var assessed = items.Select(i =>
        {
            var r = byCode[i.Code];
            return new AssessedItem(i, r.Result, null, SeverityNames.TryParse(r.Risk, out var risk) ? risk : null, r.HighRiskCases, r.MajorHazard);
        }).ToList();
        return ConclusionPolicy.Default.Conclude(assessment.Level, assessed, ConclusionPolicy.ParseTemplate(assessment.Template));
    }

    /// <summary>整改延期申请: the hospital asks for a later deadline, with its reason; the deadline itself does not move yet.</summary>
    public async Task<DeadlineExtensionRequest> RequestExtensionAsync(MedGuardDbContext db, Guid rectificationId, DateOnly requestedDueOn, string? reason, string requestedBy)
    {
        if (db.Scope.Kind != TenantKind.Institution)
        {
            throw new LifecycleException("延期申请由医疗机构提出");
        }

        var task = await db.Rectifications.FirstOrDefaultAsync(r => r.Id == rectificationId)
            ?? throw new KeyNotFoundException("整改任务不存在或不在您的权限范围内");
        if (RectificationItem.IsClosed(task.Status))
        {
            throw new LifecycleException("该整改任务已关闭，无需延期");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new LifecycleException("请写明延期理由");
        }

        if (reason.Length > 1000)
        {
            throw new LifecycleException("延期理由不能超过 1000 字");
        }

        if (requestedDueOn <= (task.DueOn ?? Today) || requestedDueOn <= Today)
        {
            throw new LifecycleException("申请的新期限须晚于现有期限和今天");
        }

        if (await db.ExtensionRequests.AnyAsync(r => r.RectificationId == rectificationId && r.Status == ExtensionStatus.Pending))
        {
            throw new LifecycleException("该整改任务已有待审批的延期申请");
        }

        var request = new DeadlineExtensionRequest
        {
            RectificationId = task.Id,
            SystemId = task.SystemId,
            RequestedBy = requestedBy,
            RequestedAt = clock.GetUtcNow().UtcDateTime,
            Reason = reason.Trim(),
            CurrentDueOn = task.DueOn,
            RequestedDueOn = requestedDueOn,
        };
        db.ExtensionRequests.Add(request);
        await db.SaveChangesAsync();
        return request;
    }

    /// <summary>
    /// Approves or refuses an extension: the regulator of the hospital's region, or the agency whose 等级测评 found the
    /// shortfall. Only an approval moves the task's deadline (to the date asked).
    /// </summary>
    public async Task<DeadlineExtensionRequest> DecideExtensionAsync(MedGuardDbContext db, Guid requestId, bool approve, string? note, string decidedBy)
    {
        var request = await db.ExtensionRequests.FirstOrDefaultAsync(r => r.Id == requestId)
            ?? throw new KeyNotFoundException("延期申请不存在或不在您的权限范围内");
        var task = await db.Rectifications.FirstOrDefaultAsync(r => r.Id == request.RectificationId)
            ?? throw new KeyNotFoundException("整改任务不存在或不在您的权限范围内");
        if (!await CanDecideExtensionAsync(db, task))
        {
            throw new LifecycleException("延期申请由本地区监管部门或作出该测评的测评机构审批");
        }

        if (request.Status != ExtensionStatus.Pending)
        {
            throw new LifecycleException($"该延期申请已{request.StatusName[1..]}");
        }

        if (!approve && string.IsNullOrWhiteSpace(note))
        {
            throw new LifecycleException("驳回须写明理由");
        }

        request.Status = approve ? ExtensionStatus.Approved : ExtensionStatus.Refused;
        request.DecidedBy = decidedBy;
        request.DecidedAt = clock.GetUtcNow().UtcDateTime;
        request.DecisionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (approve)
        {
            task.DueOn = request.RequestedDueOn;
        }

        await db.SaveChangesAsync();
        return request;
    }

    /// <summary>Who decides a task's extension: the regulator (its region is the query filter), or the agency of the finding's assessment.</summary>
    public static async Task<bool> CanDecideExtensionAsync(MedGuardDbContext db, RectificationItem task) => db.Scope.Kind switch
    {
        TenantKind.Regulator => true,
        TenantKind.Agency => task.AssessmentId is { } assessmentId
            && await db.Assessments.AnyAsync(a => a.Id == assessmentId && a.AgencyId == db.Scope.AgencyId),
        _ => false,
    };

    /// <summary>
    /// Who confirms 复测通过: the agency whose 等级测评 found the shortfall; the regulator when no agency did (a 自查 or
    /// a detection finding); never the hospital.
    /// </summary>
    public static async Task<bool> CanRetestAsync(MedGuardDbContext db, RectificationItem task)
    {
        var agencyId = task.AssessmentId is { } assessmentId
            ? await db.Assessments.Where(a => a.Id == assessmentId).Select(a => a.AgencyId).FirstOrDefaultAsync()
            : null;
        return db.Scope.Kind switch
        {
            TenantKind.System => true,
            TenantKind.Agency => agencyId == db.Scope.AgencyId,
            TenantKind.Regulator => agencyId is null,
            _ => false,
        };
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
            CertificateIssuedOn = system.Filing is { IsCertified: true } certified ? certified.CertificateIssuedOn : null,
            AssessmentDates = system.Assessments.Where(a => a.CountsAsAssessment(asOf ?? Today)).Select(a => a.AssessedOn).ToList(),
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
