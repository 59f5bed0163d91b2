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

    /// <summary>Risk of the shortfall: 高/中/低.</summary>
    public string? Risk { get; set; }

    public string? Owner { get; set; }

    public DateOnly? CreatedOn { get; set; }

    public DateOnly? DueOn { get; set; }

    public RectificationStatus Status { get; set; } = RectificationStatus.Open;

    public string? FixEvidence { get; set; }

    public DateOnly? FixedOn { get; set; }

    public DateOnly? RetestedOn { get; set; }

    /// <summary>复测结论: true passed, false failed, null not re-tested yet.</summary>
    public bool? RetestPassed { get; set; }

    public string? RetestNote { get; set; }

    /// <summary>
    /// A detection run no longer saw the finding behind this task: proposed to the assessor for 复测通过. Only a
    /// proposal — <see cref="RetestPassed"/> is set by the assessor, never by an import.
    /// </summary>
    public Guid? RetestProposedByImportId { get; set; }

    public DateOnly? RetestProposedOn { get; set; }

    /// <summary>Counted as done by the sector's 整改率: fixed, verified by re-test, or risk formally accepted.</summary>
    public static bool IsClosed(RectificationStatus status) =>
        status is RectificationStatus.Fixed or RectificationStatus.Verified or RectificationStatus.Accepted;
}
