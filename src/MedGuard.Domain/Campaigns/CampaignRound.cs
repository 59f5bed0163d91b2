namespace MedGuard.Domain.Campaigns;

/// <summary>检测轮次 — one firing of a campaign's schedule: the tasks planned from the scope as it stood then.</summary>
public sealed class CampaignRound
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid CampaignId { get; set; }

    /// <summary>1, 2, … within the campaign.</summary>
    public int Number { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public CampaignRoundStatus Status { get; set; } = CampaignRoundStatus.Running;

    public int TaskCount { get; set; }

    public int SucceededCount { get; set; }

    public int FailedCount { get; set; }

    public int RefusedCount { get; set; }

    public int CancelledCount { get; set; }
}

public enum CampaignRoundStatus
{
    Running = 1,   // 运行中
    Completed = 2, // 已完成 (every task ended; some may have failed or been refused)
    Cancelled = 3, // 已取消
    Failed = 4,    // 超时: past the campaign's maximum duration
}
