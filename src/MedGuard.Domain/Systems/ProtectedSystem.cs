using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;

namespace MedGuard.Domain.Systems;

/// <summary>A protected system (定级对象 / 等级保护对象) of one institution, with its lifecycle records.</summary>
public sealed class ProtectedSystem
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    public Institution? Institution { get; set; }

    public required string Name { get; set; }

    public GradingObjectType Type { get; set; } = GradingObjectType.InformationSystem;

    public BusinessKind Business { get; set; } = BusinessKind.Other;

    /// <summary>A core business system (核心业务系统) — the health-sector floor of level 3 for 三甲 applies to these.</summary>
    public bool IsCore { get; set; }

    /// <summary>关键信息基础设施 — CII: at least level 3 and assessed yearly (Art. 38).</summary>
    public bool IsCriticalInfrastructure { get; set; }

    /// <summary>Reachable from the internet (the filing form then asks for IP ranges, domains and ports).</summary>
    public bool InternetFacing { get; set; }

    public string? Description { get; set; }

    /// <summary>投入运行日期.</summary>
    public DateOnly? InServiceSince { get; set; }

    public GradingRecord? Grading { get; set; }

    public FilingRecord? Filing { get; set; }

    public List<AssessmentRecord> Assessments { get; set; } = [];

    public List<RectificationItem> Rectifications { get; set; } = [];

    /// <summary>The assessment agencies (测评机构) this system is assigned to.</summary>
    public List<AgencyAssignment> AgencyAssignments { get; set; } = [];
}

/// <summary>定级 — the result of grading, with the S and A levels it came from.</summary>
public sealed class GradingRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid SystemId { get; set; }

    public ProtectionLevel BusinessInformationLevel { get; set; } // 业务信息安全保护等级 (S)

    public ProtectionLevel SystemServiceLevel { get; set; }       // 系统服务安全保护等级 (A)

    /// <summary>Final level: the higher of S and A, raised by special rules where they apply.</summary>
    public ProtectionLevel Level { get; set; }

    /// <summary>Matrix edition used (GB/T 22240-2020 or the 2025 filing forms).</summary>
    public string MatrixEdition { get; set; } = "GB/T 22240-2020";

    /// <summary>Why the level is what it is: the matrix cells, and every special rule that raised it.</summary>
    public List<string> Reasons { get; set; } = [];

    public DateOnly GradedOn { get; set; }

    public bool ExpertReviewed { get; set; }   // 专家评审

    public DateOnly? ExpertReviewedOn { get; set; }

    /// <summary>Who reviewed: the experts' names and organisations (评审专家及单位), as the review record names them.</summary>
    public string? ExpertReviewers { get; set; }

    /// <summary>主管部门核准 — set only by a regulator whose region covers the institution (storage refuses a hospital).</summary>
    public bool SupervisorApproved { get; set; }

    public DateOnly? SupervisorApprovedOn { get; set; }

    /// <summary>The day the hospital asked its regulator for 核准 (申请核准); null when not asked since the last grading.</summary>
    public DateOnly? ApprovalRequestedOn { get; set; }

    /// <summary>The regulator's user who approved or refused (its display name), and when.</summary>
    public string? ApprovalDecidedBy { get; set; }

    public DateTime? ApprovalDecidedAt { get; set; }

    /// <summary>Why the regulator refused 核准 (不予核准的理由); null unless refused.</summary>
    public string? ApprovalRefusalReason { get; set; }

    /// <summary>Where 主管部门核准 stands (derived from the fields above).</summary>
    public ApprovalState Approval =>
        SupervisorApproved ? ApprovalState.Approved
        : ApprovalRefusalReason is not null ? ApprovalState.Refused
        : ApprovalRequestedOn is not null ? ApprovalState.Requested
        : ApprovalState.NotRequested;

    public string Notation => $"S{(int)BusinessInformationLevel}A{(int)SystemServiceLevel}";
}

/// <summary>备案 — the filing with the public security organ, and its certificate (备案证明).</summary>
public sealed class FilingRecord
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid SystemId { get; set; }

    public DateOnly FiledOn { get; set; }

    public string? CertificateNumber { get; set; } // 备案证明编号

    public string? PoliceOrgan { get; set; }       // 受理备案的公安机关

    public DateOnly? CertificateIssuedOn { get; set; }

    /// <summary>备案证明有效期 as issued (the obligations engine extends it by each completed assessment).</summary>
    public DateOnly? CertificateValidUntil { get; set; }

    /// <summary>已备案 only with a 备案证明 (its number and issue date); until then the filing is merely 已提交.</summary>
    public bool IsCertified => !string.IsNullOrWhiteSpace(CertificateNumber) && CertificateIssuedOn is not null;

    public string StatusName => IsCertified ? "已备案" : "已提交";
}

/// <summary>主管部门核准 of a grading: the hospital asks, the regulator of its region decides.</summary>
public enum ApprovalState
{
    NotRequested = 0, // 未申请
    Requested = 1,    // 待核准
    Approved = 2,     // 已核准
    Refused = 3,      // 未予核准
}
