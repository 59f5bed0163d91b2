using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Storage.Campaigns;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Jobs;

/// <summary>
/// The dispatcher (调度): moves tasks from our tables to the job engine's queues within the budgets. One pass, under a
/// distributed lock so that several worker processes never dispatch at once: starts due rounds; reclaims running tasks
/// whose heartbeat is stale (their worker died) and fails those past the maximum duration; releases waiting tasks whose
/// time came; then, per running campaign, hands out pending tasks — up to its global concurrency, at most one heavy
/// detector (ports, web) per institution across all campaigns, none for an institution under a stop switch (all none
/// under the global one), none outside the campaign's daily window (those wait for its start) — as jobs on the asset's
/// zone queue: a light ports task together with more of its institution's (a batch, run one after another), any other
/// task alone; the global concurrency bounds the jobs in flight. Finally closes finished rounds. Runs on round start, after every task, every few seconds in each
/// engine process, and as a recurring job each minute.
/// </summary>
public sealed class CampaignPump(CampaignEngine engine)
{
    public const string RecurringId = "medguard-campaign-pump";

    private const string LockResource = "medguard:campaign-pump";

    /// <summary>A task whose worker died this many times is failed rather than handed out again.</summary>
    public const int MaxAttempts = 3;

    private readonly HashSet<Guid> _cronRegistered = [];

    // One pass at a time within this process, before the database's lock is asked for.
    private readonly SemaphoreSlim _inProcess = new(1, 1);

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    [JobDisplayName("任务计划调度")]
    public Task PassAsync() => RunAsync(CancellationToken.None);

    /// <summary>One pass; skipped (false) when another process holds the pump's lock longer than <paramref name="wait"/> — its pass does the work.</summary>
    public async Task<bool> RunAsync(CancellationToken ct, TimeSpan? wait = null)
    {
        // A pass of this process is running (another lane's, or the pump loop's): it does the work. Asking the database's
        // lock meanwhile would only poll it — each try two transactions, 1.3 tries per task in the benchmark's profile.
        if (!await _inProcess.WaitAsync(wait ?? TimeSpan.FromSeconds(5), ct))
        {
            return false;
        }

        try
        {
            using var connection = engine.Storage.GetConnection();
            IDisposable held;
            try
            {
                held = connection.AcquireDistributedLock(LockResource, wait ?? TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is DistributedLockTimeoutException or TimeoutException)
            {
                return false;
            }

            using (held)
            {
                await PassInLockAsync(ct);
            }

            return true;
        }
        finally
        {
            _inProcess.Release();
        }
    }

    private async Task PassInLockAsync(CancellationToken ct)
    {
        var now = engine.Clock.GetUtcNow();
        await StartDueRoundsAsync(now, ct);
        await ReclaimAsync(now, ct);
        await DispatchAsync(now, ct);
        await using var db = engine.Context();
        await engine.Campaigns.FinishRoundsAsync(db, ct);
    }

    private async Task StartDueRoundsAsync(DateTimeOffset now, CancellationToken ct)
    {
        List<(Guid Id, CampaignScheduleKind Kind, string? Cron, CampaignStatus Status)> due;
        await using (var db = engine.Context())
        {
            due = [.. (await db.Campaigns.AsNoTracking()
                .Where(c => (c.Status == CampaignStatus.Scheduled || c.Status == CampaignStatus.Running) && c.NextRunAt != null && c.NextRunAt <= now)
                .Select(c => new { c.Id, c.ScheduleKind, c.Cron, c.Status }).ToListAsync(ct)).Select(c => (c.Id, c.ScheduleKind, c.Cron, c.Status))];
            RegisterCron(await db.Campaigns.AsNoTracking().Where(c => c.ScheduleKind == CampaignScheduleKind.Cron)
                .Select(c => new { c.Id, c.Cron, c.Status }).ToListAsync(ct).ContinueWith(t => t.Result.Select(c => (c.Id, c.Cron, c.Status)).ToList(), ct));
        }

        foreach (var campaign in due)
        {
            await using var db = engine.Context();
            if (await engine.Campaigns.StartRoundAsync(db, campaign.Id, ct) is { } round)
            {
                await engine.AuditAsync("start", nameof(CampaignRound), round.Id.ToString(), $"任务计划 {campaign.Id} 第 {round.Number} 轮开始：{round.TaskCount} 个子任务", ct);
            }
        }
    }

    /// <summary>
    /// A cron campaign also gets a Hangfire recurring job with its expression (Beijing time): the engine's dashboard shows
    /// when it fires next, and the firing runs a pump pass at once. Our NextRunAt stays the truth (a firing the pump
    /// already handled starts nothing twice: the round number is unique).
    /// </summary>
    private void RegisterCron(List<(Guid Id, string? Cron, CampaignStatus Status)> campaigns)
    {
        foreach (var (id, cron, status) in campaigns)
        {
            var jobId = $"medguard-campaign-{id:N}";
            if (status is CampaignStatus.Cancelled or CampaignStatus.Failed)
            {
                if (_cronRegistered.Remove(id))
                {
                    engine.Recurring.RemoveIfExists(jobId);
                }

                continue;
            }

            if (cron is not null && _cronRegistered.Add(id))
            {
                engine.Recurring.AddOrUpdate<CampaignPump>(jobId, engine.Options.Queues[0], p => p.PassAsync(), cron,
                    new RecurringJobOptions { TimeZone = CampaignSchedule.Zone });
            }
        }
    }

    private async Task ReclaimAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = engine.Context();
        var stale = now - engine.Options.HeartbeatStale;
        var dead = await db.CampaignTasks.AsNoTracking().Where(t => t.Status == CampaignTaskStatus.Running && t.HeartbeatAt < stale)
            .Select(t => new { t.Id, t.Attempts, t.Zone, t.Worker }).ToListAsync(ct);
        foreach (var task in dead)
        {
            if (task.Attempts >= MaxAttempts)
            {
                await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Running && t.HeartbeatAt < stale)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Failed).SetProperty(t => t.FinishedAt, now)
                        .SetProperty(t => t.Error, $"执行该子任务的工作进程 {MaxAttempts} 次中断（最后一次：{task.Worker}），不再重试"), ct);
                continue;
            }

            // Back to Queued with a fresh job: the claim (Queued → Running) lets exactly one worker take it.
            var moved = await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Running && t.HeartbeatAt < stale)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Queued).SetProperty(t => t.QueuedAt, now)
                    .SetProperty(t => t.Error, $"工作进程 {task.Worker} 无心跳，子任务已收回重新排队"), ct);
            if (moved == 1)
            {
                await EnqueueAsync(db, [task.Id], task.Zone, ct);
                await engine.AuditAsync("reclaim", nameof(CampaignTask), task.Id.ToString(), $"工作进程 {task.Worker} 无心跳，检测子任务收回重新排队", ct);
            }
        }

        // Tasks a dead worker's batch had adopted but not begun: back to Pending (never started, so no attempt
        // counted); the dispatch below hands them out again within the budgets.
        var orphans = await db.CampaignTasks.AsNoTracking()
            .Where(t => t.Status == CampaignTaskStatus.Queued && t.Worker != null && t.HeartbeatAt < stale)
            .Select(t => new { t.Id, t.Worker }).ToListAsync(ct);
        foreach (var task in orphans)
        {
            var moved = await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Queued && t.Worker != null && t.HeartbeatAt < stale)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Pending).SetProperty(t => t.Worker, (string?)null)
                    .SetProperty(t => t.HeartbeatAt, (DateTimeOffset?)null).SetProperty(t => t.JobId, (string?)null), ct);
            if (moved == 1)
            {
                await engine.AuditAsync("reclaim", nameof(CampaignTask), task.Id.ToString(), $"工作进程 {task.Worker} 无心跳，其批中未开始的检测子任务放回待调度", ct);
            }
        }

        // A running task past its campaign's maximum duration: failed here; its worker's heartbeat sees it and stops the scan.
        var overdue = await (from t in db.CampaignTasks.AsNoTracking()
                             join c in db.Campaigns.AsNoTracking() on t.CampaignId equals c.Id
                             where t.Status == CampaignTaskStatus.Running
                             select new { t.Id, t.StartedAt, c.MaxTaskSeconds }).ToListAsync(ct);
        foreach (var task in overdue.Where(t => t.StartedAt is { } started && now - started > TimeSpan.FromSeconds(t.MaxTaskSeconds) + engine.Options.HeartbeatStale))
        {
            await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Failed).SetProperty(t => t.FinishedAt, now)
                    .SetProperty(t => t.Error, $"超过单个子任务最长时间 {TimeSpan.FromSeconds(task.MaxTaskSeconds)}，已停止"), ct);
        }

        // Waiting tasks whose time came (window opened, or held by a stop switch: dispatch checks the switch again).
        await db.CampaignTasks.Where(t => t.Status == CampaignTaskStatus.Waiting && (t.NotBefore == null || t.NotBefore <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Pending), ct);
    }

    private async Task DispatchAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = engine.Context();
        var stops = await db.DetectionStops.AsNoTracking().Where(s => s.ClearedAt == null).Select(s => s.InstitutionId).ToListAsync(ct);
        if (stops.Contains(null))
        {
            return; // the global stop switch
        }

        var stopped = stops.Select(s => s!.Value).ToHashSet();
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Running).OrderBy(c => c.CreatedAt).ToListAsync(ct);
        if (campaigns.Count == 0)
        {
            return;
        }

        var heavy = Campaign.HeavyDetectors.ToList();
        var busy = (await db.CampaignTasks.AsNoTracking()
            .Where(t => (t.Status == CampaignTaskStatus.Queued || t.Status == CampaignTaskStatus.Running) && heavy.Contains(t.Detector))
            .Select(t => t.InstitutionId).Distinct().ToListAsync(ct)).ToHashSet();
        foreach (var campaign in campaigns)
        {
            if (!CampaignSchedule.InWindow(campaign.Window, now))
            {
                var opens = CampaignSchedule.NextWindowStart(campaign.Window, now);
                await db.CampaignTasks.Where(t => t.CampaignId == campaign.Id && t.Status == CampaignTaskStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Waiting).SetProperty(t => t.NotBefore, opens)
                        .SetProperty(t => t.Error, $"不在任务计划的检测时段 {campaign.Window} 内"), ct);
                // Wake the pump when the window opens (the recurring pass would too, within a minute).
                engine.Client.Create<CampaignPump>(p => p.PassAsync(), new ScheduledState(opens.UtcDateTime));
                continue;
            }

            // The global concurrency bounds the jobs in flight: a job runs its tasks one after another, so no more
            // tasks than that run at once (a task handed out before its job id was written counts on its own).
            var inFlight = db.CampaignTasks.Where(t => t.CampaignId == campaign.Id && (t.Status == CampaignTaskStatus.Queued || t.Status == CampaignTaskStatus.Running));
            var active = await inFlight.Where(t => t.JobId != null).Select(t => t.JobId).Distinct().CountAsync(ct)
                + await inFlight.CountAsync(t => t.JobId == null, ct);
            var budget = campaign.GlobalConcurrency - active;
            if (budget <= 0)
            {
                continue;
            }

            var shortPortList = ShortPortList(campaign);
            var batchSize = 1;
            if (shortPortList)
            {
                // Ready tasks ÷ lanes, so every lane serving the zone gets a share and none idles while another holds a long batch.
                var ready = await db.CampaignTasks.CountAsync(t => t.CampaignId == campaign.Id && t.Status == CampaignTaskStatus.Pending, ct);
                var lanes = Lanes();
                batchSize = Math.Clamp((ready + lanes - 1) / lanes, 1, MaxBatch);
            }

            // Enough candidates to fill the budget past the institutions that are busy or stopped.
            var pending = await db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaign.Id && t.Status == CampaignTaskStatus.Pending)
                .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(Math.Max(budget * 8, 64))
                .Select(t => new { t.Id, t.InstitutionId, t.Detector, t.Zone }).ToListAsync(ct);
            var taken = new HashSet<Guid>();
            foreach (var task in pending)
            {
                if (budget == 0)
                {
                    break;
                }

                if (taken.Contains(task.Id))
                {
                    continue;
                }

                if (task.Zone == NetworkZone.Demo)
                {
                    // The demo province's made-up assets: refused here, before any worker could send a packet to them.
                    var refused = await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Pending)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Refused).SetProperty(t => t.FinishedAt, now)
                            .SetProperty(t => t.Error, NetworkZone.DemoRefusal), ct);
                    if (refused > 0)
                    {
                        await engine.AuditAsync("refuse", nameof(CampaignTask), task.Id.ToString(), $"拒绝检测子任务（{task.Detector}）：{NetworkZone.DemoRefusal}", ct);
                    }

                    continue;
                }

                if (stopped.Contains(task.InstitutionId))
                {
                    continue;
                }

                var isHeavy = campaign.IsHeavy(task.Detector);
                if (isHeavy && busy.Contains(task.InstitutionId))
                {
                    continue;
                }

                var moved = await db.CampaignTasks.Where(t => t.Id == task.Id && t.Status == CampaignTaskStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Queued).SetProperty(t => t.QueuedAt, now)
                        .SetProperty(t => t.Error, (string?)null), ct);
                if (moved == 0)
                {
                    continue;
                }

                Guid[] batch = [task.Id];
                if (task.Detector == "ports" && shortPortList && batchSize > 1)
                {
                    // Light tasks of the same institution ride along in one job: run one after another, they keep the
                    // one-heavy-detector-per-institution rule by construction.
                    var more = await db.CampaignTasks.AsNoTracking()
                        .Where(t => t.CampaignId == campaign.Id && t.Status == CampaignTaskStatus.Pending && t.InstitutionId == task.InstitutionId
                            && t.Detector == task.Detector && t.Zone == task.Zone && t.Id != task.Id)
                        .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(batchSize - 1).Select(t => t.Id).ToListAsync(ct);
                    await db.CampaignTasks.Where(t => more.Contains(t.Id) && t.Status == CampaignTaskStatus.Pending)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Queued).SetProperty(t => t.QueuedAt, now)
                            .SetProperty(t => t.Error, (string?)null), ct);
                    batch = [task.Id, .. more];
                    taken.UnionWith(more);
                }

                await EnqueueAsync(db, batch, task.Zone, ct);
                budget--;
                if (isHeavy)
                {
                    busy.Add(task.InstitutionId);
                }
            }
        }
    }

    /// <summary>Most tasks one batch job carries (a stop or cancel still reaches each task on its own).</summary>
    public const int MaxBatch = 16;

    /// <summary>
    /// A ports task over a short port list is light: about a second per host at the authorizations' usual rates. Web
    /// crawls and APK analyses take minutes, and so may a long port list: one per job.
    /// </summary>
    private static bool ShortPortList(Campaign campaign)
    {
        try
        {
            return Detection.Ports.PortSets.PortSet.Parse(campaign.Ports).Count <= 128;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private (DateTimeOffset At, int Lanes)? _lanes;

    /// <summary>Worker lanes (Hangfire workers) of the live engine processes; read at most every 10 s.</summary>
    private int Lanes()
    {
        var now = engine.Clock.GetUtcNow();
        if (_lanes is not { } known || now - known.At > TimeSpan.FromSeconds(10))
        {
            _lanes = known = (now, engine.Storage.GetMonitoringApi().Servers().Sum(s => s.WorkersCount));
        }

        return Math.Max(1, known.Lanes);
    }

    private async Task EnqueueAsync(Storage.MedGuardDbContext db, Guid[] taskIds, string zone, CancellationToken ct)
    {
        var jobId = taskIds.Length == 1
            ? engine.Client.Create<CampaignTaskJob>(j => j.RunAsync(taskIds[0], CancellationToken.None), new EnqueuedState(zone))
            : engine.Client.Create<CampaignTaskJob>(j => j.RunBatchAsync(taskIds, CancellationToken.None), new EnqueuedState(zone));
        await db.CampaignTasks.Where(t => taskIds.Contains(t.Id)).ExecuteUpdateAsync(s => s.SetProperty(t => t.JobId, jobId), ct);
    }
}
