namespace MedGuard.Domain.Assessment;

/// <summary>What an assessment is: a 等级测评 by an assigned agency, or a hospital's own 自查.</summary>
public enum AssessmentKind
{
    LevelAssessment = 1, // 等级测评 (测评机构)
    SelfInspection = 2,  // 自查 (医疗机构自行开展)
}

/// <summary>一次等级测评 (or 自查) — one assessment of one protected system.</summary>
public sealed class AssessmentRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid SystemId { get; set; }

    /// <summary>等级测评 or 自查; only a 等级测评 counts in the regulator's figures and the obligations.</summary>
    public AssessmentKind Kind { get; set; } = AssessmentKind.LevelAssessment;

    public string KindName => Kind == AssessmentKind.SelfInspection ? "自查" : "等级测评";

    /// <summary>The level assessed against (the system's level at the time).</summary>
    public int Level { get; set; }

    /// <summary>Extensions assessed besides the general requirements: 云计算, 移动互联, 物联网, 工业控制, 大数据.</summary>
    public List<string> Extensions { get; set; } = [];

    public string? Agency { get; set; } // 测评机构 (name as written on the report)

    /// <summary>The registered agency that ran it, when it is one of the platform's agencies.</summary>
    public Guid? AgencyId { get; set; }

    public DateOnly AssessedOn { get; set; }

    /// <summary>测评报告编号.</summary>
    public string? ReportNumber { get; set; }

    /// <summary>Conclusion template used: 2025 or 2021.</summary>
    public string Template { get; set; } = "2025";

    /// <summary>The conclusion as computed when the results were last scored (符合/基本符合/不符合 or 优/良/中/差).</summary>
    public string? Conclusion { get; set; }

    /// <summary>符合率 or 综合得分 as a number (0–100).</summary>
    public double? Score { get; set; }

    public List<ItemResult> Results { get; set; } = [];

    /// <summary>
    /// Counts as a 测评 (statistics, obligations): a 等级测评 with a conclusion (which the platform forms only once every
    /// item has a result), dated no later than <paramref name="today"/>. A 自查, an empty or unconcluded record, or one
    /// dated in the future does not. Queries repeat this rule in LINQ (SectorStatistics, the systems list).
    /// </summary>
    public bool CountsAsAssessment(DateOnly today) =>
        Kind == AssessmentKind.LevelAssessment && Conclusion is not null && AssessedOn <= today;
}
