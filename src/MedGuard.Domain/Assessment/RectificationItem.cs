namespace MedGuard.Domain.Assessment;

public enum RectificationStatus
{
    Open = 1,        // 待整改
    InProgress = 2,  // 整改中
    Fixed = 3,       // 已整改 (awaiting re-test)
    Verified = 4,    // 复测通过
    Accepted = 5,    // 风险接受
}

/// <summary>整改 — one rectification task born from a shortfall or a detection finding.</summary>
public sealed class RectificationItem
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid SystemId { get; set; }

    public Guid? AssessmentId { get; set; }

    /// <summary>Item code the shortfall was found on, when it came from an assessment.</summary>
    public string? ItemCode { get; set; }

    /// <summary>Finding fingerprint, when it came from detection.</summary>
    public string? FindingFingerprint { get; set; }

    public required string Title { get; set; }

    public string? Owner { get; set; }

    public DateOnly? DueOn { get; set; }

    public RectificationStatus Status { get; set; } = RectificationStatus.Open;

    public string? FixEvidence { get; set; }

    public DateOnly? RetestedOn { get; set; }
}
