namespace MedGuard.Domain.Assessment;

/// <summary>一次等级测评 — one level assessment of one protected system.</summary>
public sealed class AssessmentRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid SystemId { get; set; }

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
}
