namespace MedGuard.Domain.Assessment;

public enum ExtensionStatus
{
    Pending = 1,  // 待审批
    Approved = 2, // 已批准
    Refused = 3,  // 已驳回
}

/// <summary>
/// 整改延期申请 — a hospital asks to move a rectification deadline; the regulator of its region (or the agency, for
/// its own assessment's findings) decides. Only an approval changes <see cref="RectificationItem.DueOn"/>.
/// </summary>
public sealed class DeadlineExtensionRequest
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid RectificationId { get; set; }

    /// <summary>The task's system, copied so the tenant filters and the save guard test it without a join.</summary>
    public Guid SystemId { get; set; }

    /// <summary>Display name of the hospital user who asked.</summary>
    public required string RequestedBy { get; set; }

    public DateTime RequestedAt { get; set; }

    public required string Reason { get; set; }

    /// <summary>The deadline when asked (the one an approval replaces).</summary>
    public DateOnly? CurrentDueOn { get; set; }

    public DateOnly RequestedDueOn { get; set; }

    public ExtensionStatus Status { get; set; } = ExtensionStatus.Pending;

    public string? DecidedBy { get; set; }

    public DateTime? DecidedAt { get; set; }

    public string? DecisionNote { get; set; }

    public string StatusName => Status switch
    {
        ExtensionStatus.Approved => "已批准",
        ExtensionStatus.Refused => "已驳回",
        _ => "待审批",
    };
}
