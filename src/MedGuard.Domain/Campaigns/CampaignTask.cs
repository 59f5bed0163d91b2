namespace MedGuard.Domain.Campaigns;

/// <summary>
/// 检测子任务 — one detector on one asset in one round. Its row is the truth about it: the job engine's job only
/// carries <see cref="Id"/>, and a job that runs twice (a worker died, the engine re-delivered) finds the row already
/// claimed or finished. <see cref="ImportId"/> is written in the same transaction as the import, so a task imports once.
/// </summary>
public sealed class CampaignTask
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid CampaignId { get; set; }

    public Guid RoundId { get; set; }

    public Guid InstitutionId { get; set; }

    public Guid AssetId { get; set; }

    /// <summary><c>ports</c>, <c>web</c> or <c>apk</c>.</summary>
    public required string Detector { get; set; }

    /// <summary>The asset's network zone when planned: the job engine queue the task is sent to (see <c>NetworkZone</c>).</summary>
    public string Zone { get; set; } = Inventory.NetworkZone.Default;

    public CampaignTaskStatus Status { get; set; } = CampaignTaskStatus.Pending;

    /// <summary>Times a worker claimed it (a second attempt follows a worker's death).</summary>
    public int Attempts { get; set; }

    /// <summary>The worker running it (<c>host:pid</c>), or that ran it last.</summary>
    public string? Worker { get; set; }

    /// <summary>The job engine's id of the job carrying it (for the dashboard; our row stays the truth).</summary>
    public string? JobId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    /// <summary>Moved every second by the running worker; a stale one means the worker died and the task may be claimed again.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Waiting: not before this instant (outside the daily window; the start of the next window).</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Why it failed, was refused or waits (Chinese).</summary>
    public string? Error { get; set; }

    /// <summary>The import its run produced (<c>DetectionImport.Id</c>); null until imported.</summary>
    public Guid? ImportId { get; set; }

    /// <summary>Time spent in the detector itself (the engine's overhead is the rest of StartedAt–FinishedAt).</summary>
    public long? ScanMilliseconds { get; set; }

    public int NewCount { get; set; }

    public int FixedCount { get; set; }

    /// <summary>Open findings seen again (the importer's "updated").</summary>
    public int StillOpenCount { get; set; }

    public bool IsFinished => Status is CampaignTaskStatus.Succeeded or CampaignTaskStatus.Failed or CampaignTaskStatus.Refused or CampaignTaskStatus.Cancelled;
}

public enum CampaignTaskStatus
{
    Pending = 1,   // 待调度: planned, not yet handed to the job engine
    Queued = 2,    // 已排队: a job carries it on its zone's queue
    Running = 3,   // 运行中: a worker claimed it and beats its heart
    Waiting = 4,   // 等待时段: outside the window, or held by a stop switch, until NotBefore
    Succeeded = 5, // 已完成: run imported
    Failed = 6,    // 失败 (Error says why)
    Refused = 7,   // 已拒绝: no valid authorization when it was to start — nothing was sent
    Cancelled = 8, // 已取消
}

public static class CampaignTaskStatusNames
{
    public static string ToChinese(this CampaignTaskStatus status) => status switch
    {
        CampaignTaskStatus.Pending => "待调度",
        CampaignTaskStatus.Queued => "已排队",
        CampaignTaskStatus.Running => "运行中",
        CampaignTaskStatus.Waiting => "等待",
        CampaignTaskStatus.Succeeded => "已完成",
        CampaignTaskStatus.Failed => "失败",
        CampaignTaskStatus.Refused => "已拒绝",
        CampaignTaskStatus.Cancelled => "已取消",
        _ => status.ToString(),
    };
}
