namespace MedGuard.Domain.Campaigns;

/// <summary>
/// 检测任务计划 (campaign) — detection the platform runs on a schedule over a scope of assets (issue 14 §1): which
/// assets (<see cref="ScopeJson"/>, a <c>CampaignScope</c>), which detectors, when (now, once, or cron in China time),
/// and how gently (a global concurrency, a daily window, a maximum duration per task and per round). Each firing of the
/// schedule is a <see cref="CampaignRound"/> with one <see cref="CampaignTask"/> per asset × detector; our tables are
/// the truth, the job engine only carries the work.
/// </summary>
public sealed class Campaign
{
    /// <summary>The detectors a campaign may run.</summary>
    public static readonly IReadOnlyList<string> KnownDetectors = ["ports", "web", "apk", "logic"];

    /// <summary>Heavy detectors send many requests to a host: at most one of them runs per institution at a time (issue 14 §4).</summary>
    public static readonly IReadOnlyList<string> HeavyDetectors = ["ports", "web"];

    /// <summary>The time zone cron expressions are read in (hospitals and regulators think in Beijing time).</summary>
    public const string TimeZoneId = "Asia/Shanghai";

    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Name { get; set; }

    /// <summary>Owner tenant: the 行政区划 code of the regulator that created it (null when a hospital did).</summary>
    public string? OwnerRegion { get; set; }

    /// <summary>Owner tenant: the hospital that created it for its own assets (null when a regulator or an administrator did).</summary>
    public Guid? OwnerInstitutionId { get; set; }

    public required string CreatedBy { get; set; }

    public Guid? CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The scope definition as JSON: <c>{"institutionIds":[…],"region":"3301","assetKinds":["Ip"],"assetIds":[…]}</c>.</summary>
    public string ScopeJson { get; set; } = "{}";

    /// <summary>Detectors to run on each asset of the scope that fits them: <c>ports</c>, <c>web</c>, <c>apk</c>.</summary>
    public List<string> Detectors { get; set; } = [];

    public CampaignScheduleKind ScheduleKind { get; set; }

    /// <summary>For <see cref="CampaignScheduleKind.Once"/>: when.</summary>
    public DateTimeOffset? RunAt { get; set; }

    /// <summary>For <see cref="CampaignScheduleKind.Cron"/>: five-field cron in <see cref="TimeZoneId"/> (e.g. <c>0 2 1 * *</c>, 2:00 on the 1st).</summary>
    public string? Cron { get; set; }

    /// <summary>Tasks of this campaign running at once across all workers.</summary>
    public int GlobalConcurrency { get; set; } = 4;

    /// <summary>The campaign's own daily window in China time (<c>22:00-06:00</c>); null = any time the authorization allows.</summary>
    public string? Window { get; set; }

    /// <summary>A task running longer is stopped and failed (a hung scan must not hold its institution's slot).</summary>
    public int MaxTaskSeconds { get; set; } = 3600;

    /// <summary>A round not done after this long is stopped: its remaining tasks are cancelled. Null = no limit.</summary>
    public int? MaxRoundSeconds { get; set; }

    /// <summary>Ports detector: which ports (<c>top100</c>, <c>22,80,443</c>, <c>1-1024</c>).</summary>
    public string Ports { get; set; } = "top100";

    /// <summary>Web detector: the crawl's page budget per origin.</summary>
    public int WebMaxPages { get; set; } = 50;

    public CampaignStatus Status { get; set; } = CampaignStatus.Scheduled;

    /// <summary>Why the campaign stopped (cancelled by whom, failed why), in Chinese.</summary>
    public string? StatusReason { get; set; }

    /// <summary>When the next round starts (null when none is planned).</summary>
    public DateTimeOffset? NextRunAt { get; set; }

    /// <summary>Rounds started so far (the next round's number is this + 1).</summary>
    public int RoundCount { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelledBy { get; set; }

    public bool IsHeavy(string detector) => HeavyDetectors.Contains(detector, StringComparer.Ordinal);
}

/// <summary>When a campaign runs.</summary>
public enum CampaignScheduleKind
{
    Now = 1,  // 立即
    Once = 2, // 定时一次
    Cron = 3, // 周期（cron）
}

/// <summary>A campaign's state.</summary>
public enum CampaignStatus
{
    Scheduled = 1, // 已计划: waiting for its (next) round
    Running = 2,   // 运行中: a round is in progress
    Completed = 3, // 已完成: its last round is done and no other is planned
    Cancelled = 4, // 已取消
    Failed = 5,    // 失败: could not run at all (e.g. its round ran past its maximum duration)
}

public static class CampaignStatusNames
{
    public static string ToChinese(this CampaignStatus status) => status switch
    {
        CampaignStatus.Scheduled => "已计划",
        CampaignStatus.Running => "运行中",
        CampaignStatus.Completed => "已完成",
        CampaignStatus.Cancelled => "已取消",
        CampaignStatus.Failed => "失败",
        _ => status.ToString(),
    };

    public static string ToChinese(this CampaignScheduleKind kind) => kind switch
    {
        CampaignScheduleKind.Now => "立即",
        CampaignScheduleKind.Once => "定时一次",
        CampaignScheduleKind.Cron => "周期",
        _ => kind.ToString(),
    };
}
