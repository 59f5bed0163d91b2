namespace MedGuard.Domain.Assessment;

public enum ProposalDecision
{
    Pending = 1,  // 待定
    Accepted = 2, // 采纳
    Rejected = 3, // 不采纳
}

/// <summary>
/// A detection finding proposed to an assessment for one GB/T 22239 item (by its GB/T 28448 unit code), with the
/// assessor's decision. Accepting writes no item result by itself: the assessor enters the result explicitly
/// (issue 12 §5 — never silently).
/// </summary>
public sealed class AssessmentFindingProposal
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid AssessmentId { get; set; }

    public Guid FindingId { get; set; }

    /// <summary>The unit code the finding bears on (L3-CES1-17), or a clause when the finding cites one.</summary>
    public required string ItemCode { get; set; }

    /// <summary>The finding's high-risk guide cases, <c>;</c>-joined, flagged to the assessor.</summary>
    public string HighRiskCases { get; set; } = "";

    public ProposalDecision Decision { get; set; } = ProposalDecision.Pending;

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? Note { get; set; }
}
