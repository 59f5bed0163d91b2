using Hangfire;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Scope;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Jobs;

/// <summary>
/// The job that carries one <see cref="CampaignTask"/>. Idempotent: it claims the task by a conditional update (only
/// from Queued, or Running with a stale heartbeat — its worker died); a finished task is a no-op. It re-checks the
/// asset's authorization before any packet (refused and audited otherwise), beats the task's heart every second — which
/// also notices a cancel, a stop switch or the maximum duration and stops the scan — and imports the run exactly once:
/// the task's move to Succeeded, the import (unique per task) and its counts commit in one transaction.
/// Hangfire's own retries are off: a failure is the task's state, not a reason to scan the hospital again.
/// </summary>
public sealed class CampaignTaskJob(CampaignEngine engine)
{
    private enum StopCause
    {
        None,
        Gone,     // the row left Running under us: cancelled, failed by the pump, or reclaimed
        Switch,   // a stop switch was set
        Overtime, // past the campaign's maximum task duration
    }

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("检测子任务 {0}")]
    public async Task RunAsync(Guid taskId, CancellationToken cancellationToken)
    {
        try
        {
            await RunTaskAsync(taskId, cancellationToken);
        }
        finally
        {
            await RefillAsync(taskId, cancellationToken);
        }
    }

    /// <summary>
    /// Several light tasks of one zone in one job (the pump's batch): one fetch and one pair of engine state changes for
    /// all of them instead of one per task. Each task is still claimed on its own, in turn, by <see cref="RunTaskAsync"/>
    /// (authorization re-check, window, stop switch, audit: all as for a single task), so a re-delivered batch skips
    /// what is done or held by a live worker. Until its turn a task stays Queued but adopted — this worker's name and a
    /// heartbeat kept fresh every second — so the pump puts a dead worker's unstarted tasks back to Pending after
    /// <see cref="JobEngineOptions.HeartbeatStale"/>, and a stopping worker does so itself.
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("检测子任务批（{0}）")]
    public async Task RunBatchAsync(Guid[] taskIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        var worker = engine.Options.WorkerName;
        await using (var db = engine.Context())
        {
            var now = engine.Clock.GetUtcNow();
            var stale = now - engine.Options.HeartbeatStale;
            await db.CampaignTasks.Where(t => taskIds.Contains(t.Id) && t.Status == CampaignTaskStatus.Queued && (t.Worker == null || t.HeartbeatAt < stale))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Worker, worker).SetProperty(t => t.HeartbeatAt, now), CancellationToken.None);
        }

        using var done = new CancellationTokenSource();
        var keepAlive = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(engine.Options.HeartbeatInterval, done.Token);
                    var beat = engine.Clock.GetUtcNow();
                    await using var db = engine.Context();
                    await db.CampaignTasks.Where(t => taskIds.Contains(t.Id) && t.Status == CampaignTaskStatus.Queued && t.Worker == worker)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.HeartbeatAt, beat), CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception)
                {
                    // The database restarting: keep beating; the pump reclaims only a stale heart.
                }
            }
        });

        // Each task's finish event rides with the next task's start event to the audit chain; all are stored before the job ends.
        var finishEvents = new List<Task>();
        try
        {
            foreach (var taskId in taskIds)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                finishEvents.Add(await RunOneAsync(taskId, cancellationToken));
            }
        }
        finally
        {
            await done.CancelAsync();
            await keepAlive;
            await engine.FlushAuditAsync(Task.WhenAll(finishEvents), CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
            {
                // This worker is stopping: the tasks it had not begun go back to Pending for the next pump pass.
                await using var db = engine.Context();
                await db.CampaignTasks.Where(t => taskIds.Contains(t.Id) && t.Status == CampaignTaskStatus.Queued && t.Worker == worker)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Pending).SetProperty(t => t.Worker, (string?)null)
                        .SetProperty(t => t.HeartbeatAt, (DateTimeOffset?)null), CancellationToken.None);
            }
        }

        // The batch's job slot and its institution are free: hand out the next batch now (skipped while another pass runs).
        if (!cancellationToken.IsCancellationRequested)
        {
            await engine.Pump.RunAsync(CancellationToken.None, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The slot this task held is free: hand out the next tasks now rather than at the next pass — unless tasks already
    /// wait in the queue for a free lane (the next pass refills it), or another pass is running (it does).
    /// </summary>
    private async Task RefillAsync(Guid taskId, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested && await QueueRunsLowAsync(taskId))
        {
            await engine.Pump.RunAsync(CancellationToken.None, TimeSpan.Zero);
        }
    }

    /// <summary>Fewer than half the campaign's concurrency still queued: worth a pump pass now (one query).</summary>
    private async Task<bool> QueueRunsLowAsync(Guid taskId)
    {
        await using var db = engine.Context();
        var campaign = await (from t in db.CampaignTasks.AsNoTracking()
                              join c in db.Campaigns.AsNoTracking() on t.CampaignId equals c.Id
                              where t.Id == taskId
                              select new
                              {
                                  c.GlobalConcurrency,
                                  Queued = db.CampaignTasks.Count(q => q.CampaignId == c.Id && q.Status == CampaignTaskStatus.Queued),
                              }).FirstOrDefaultAsync(CancellationToken.None);
        return campaign is null || campaign.Queued < Math.Max(1, campaign.GlobalConcurrency / 2);
    }

    /// <summary>Runs one task and returns once it and its audit events are stored.</summary>
    internal async Task RunTaskAsync(Guid taskId, CancellationToken shutdown) =>
        await engine.FlushAuditAsync(await RunOneAsync(taskId, shutdown), CancellationToken.None);

    /// <summary>
    /// Runs one task; returns its finish event, queued for the audit chain's next append (the next task's start, or the
    /// caller's flush) — every other event is stored before this returns.
    /// </summary>
    private async Task<Task> RunOneAsync(Guid taskId, CancellationToken shutdown)
    {
        var options = engine.Options;
        var worker = options.WorkerName;
        var now = engine.Clock.GetUtcNow();
        var stale = now - options.HeartbeatStale;
        await using (var db = engine.Context())
        {
            var claimed = await db.CampaignTasks
                .Where(t => t.Id == taskId && (t.Status == CampaignTaskStatus.Queued || (t.Status == CampaignTaskStatus.Running && t.HeartbeatAt < stale)))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Running).SetProperty(t => t.Worker, worker)
                    .SetProperty(t => t.HeartbeatAt, now).SetProperty(t => t.StartedAt, now).SetProperty(t => t.Attempts, t => t.Attempts + 1)
                    .SetProperty(t => t.Error, (string?)null), CancellationToken.None);
            if (claimed == 0)
            {
                return Task.CompletedTask; // finished, cancelled, or another worker holds it alive
            }
        }

        CampaignTask task;
        Campaign campaign;
        Asset asset;
        AuthorizedScope scope;
        await using (var db = engine.Context())
        {
            // The task's whole context in one round trip: its row, campaign, asset, the stop switch holding its
            // institution (if any) and the asset's authorizations as they are now.
            var context = await (from t in db.CampaignTasks.AsNoTracking()
                                 join c in db.Campaigns.AsNoTracking() on t.CampaignId equals c.Id
                                 join a in db.Assets.AsNoTracking() on t.AssetId equals a.Id
                                 where t.Id == taskId
                                 select new
                                 {
                                     Task = t,
                                     Campaign = c,
                                     Asset = a,
                                     Stop = db.DetectionStops.Where(s => s.ClearedAt == null && (s.InstitutionId == null || s.InstitutionId == t.InstitutionId))
                                         .OrderBy(s => s.SetAt).Select(s => s.Reason + "（" + s.SetBy + "）").FirstOrDefault(),
                                     Authorizations = db.AssetAuthorizations.Where(x => x.AssetId == a.Id).ToList(),
                                 }).FirstAsync(CancellationToken.None);
            (task, campaign, asset) = (context.Task, context.Campaign, context.Asset);
            var authorizations = context.Authorizations;
            if (NetworkZone.Normalize(asset.Zone) == NetworkZone.Demo)
            {
                // Planned as refused already; this holds if the asset was moved into the demo zone after planning.
                await FinishAsync(taskId, worker, CampaignTaskStatus.Refused, NetworkZone.DemoRefusal);
                await engine.AuditAsync("refuse", nameof(CampaignTask), taskId.ToString(), $"拒绝检测子任务（{task.Detector}，资产 {asset.Value}）：{NetworkZone.DemoRefusal}");
                return Task.CompletedTask;
            }

            if (context.Stop is { } held)
            {
                await HoldAsync(taskId, worker, $"停止开关：{held}", null);
                await engine.AuditAsync("stop", nameof(CampaignTask), taskId.ToString(), $"停止开关生效，检测子任务未开始（{task.Detector}，资产 {asset.Value}）：{held}");
                return Task.CompletedTask;
            }

            if (!CampaignSchedule.InWindow(campaign.Window, now))
            {
                var at = CampaignSchedule.NextWindowStart(campaign.Window, now);
                await HoldAsync(taskId, worker, $"不在任务计划的检测时段 {campaign.Window} 内，等待至 {Beijing(at)}", at);
                return Task.CompletedTask;
            }

            // The asset's authorization, read again now (above, with the task): no valid authorization, no packet.
            if (WindowWait(authorizations, task.Detector, now) is { } wait)
            {
                await HoldAsync(taskId, worker, $"不在授权的允许时段 {wait.Window} 内，等待至 {Beijing(wait.At)}", wait.At);
                return Task.CompletedTask;
            }

            try
            {
                scope = AuthorizedScopes.From([asset], authorizations, task.Detector, now);
                if (scope.TimeRefusal(now) is { } refusal)
                {
                    throw new NoAuthorizationException(refusal);
                }
            }
            catch (NoAuthorizationException ex)
            {
                await FinishAsync(taskId, worker, CampaignTaskStatus.Refused, ex.Message);
                await engine.AuditAsync("refuse", nameof(CampaignTask), taskId.ToString(), $"拒绝检测子任务（{task.Detector}，资产 {asset.Value}）：{ex.Message}");
                return Task.CompletedTask;
            }
        }

        await engine.AuditAsync("start", nameof(CampaignTask), taskId.ToString(),
            $"开始检测子任务：任务计划「{campaign.Name}」第 {task.Attempts} 次尝试，{task.Detector} 检测资产 {asset.Value}（区域 {task.Zone}）");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var cause = StopCause.None;
        string? switchReason = null;
        var deadline = now + TimeSpan.FromSeconds(campaign.MaxTaskSeconds);
        using var beating = new CancellationTokenSource();
        var heart = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(options.HeartbeatInterval, beating.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    var beat = engine.Clock.GetUtcNow();
                    await using var db = engine.Context();
                    var alive = await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.HeartbeatAt, beat), CancellationToken.None);
                    if (alive == 0)
                    {
                        cause = StopCause.Gone;
                    }
                    else if (await ActiveStopAsync(db, task.InstitutionId) is { } reason)
                    {
                        (cause, switchReason) = (StopCause.Switch, reason);
                    }
                    else if (beat > deadline)
                    {
                        cause = StopCause.Overtime;
                    }

                    if (cause != StopCause.None)
                    {
                        await stop.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database restarting: keep beating; the scan goes on, the pump reclaims only a stale heart.
                }
            }
        });

        Domain.Detection.DetectionRun run;
        TimeSpan scanTime;
        try
        {
            (run, scanTime) = await TaskDetectors.RunAsync(campaign, task, asset, scope, options, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await beating.CancelAsync();
            await heart;
            await StoppedAsync(taskId, worker, task, asset, cause, switchReason, campaign, shutdown.IsCancellationRequested);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is TaskRefusedException or ScopeException)
        {
            await beating.CancelAsync();
            await heart;
            await FinishAsync(taskId, worker, CampaignTaskStatus.Refused, ex.Message);
            await engine.AuditAsync("refuse", nameof(CampaignTask), taskId.ToString(), $"拒绝检测子任务（{task.Detector}，资产 {asset.Value}）：{ex.Message}");
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            await beating.CancelAsync();
            await heart;
            await FinishAsync(taskId, worker, CampaignTaskStatus.Failed, $"检测出错：{ex.Message}");
            await engine.AuditAsync("fail", nameof(CampaignTask), taskId.ToString(), $"检测子任务失败（{task.Detector}，资产 {asset.Value}）：{ex.Message}");
            return Task.CompletedTask;
        }

        await beating.CancelAsync();
        await heart;
        if (cause != StopCause.None)
        {
            await StoppedAsync(taskId, worker, task, asset, cause, switchReason, campaign, shutdown.IsCancellationRequested);
            return Task.CompletedTask;
        }

        return await ImportAsync(taskId, worker, task, asset, run, scanTime);
    }

    /// <summary>The run into the findings, once: claim the task's finish, import (unique per task), record the counts — one transaction.</summary>
    private async Task<Task> ImportAsync(Guid taskId, string worker, CampaignTask task, Asset asset, Domain.Detection.DetectionRun run, TimeSpan scanTime)
    {
        var finished = engine.Clock.GetUtcNow();
        ImportResult result;
        await using (var db = engine.Context())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            // Locks the row (PostgreSQL) / the database (SQLite): a second run of this task waits here, then finds it finished.
            var mine = await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker && t.ImportId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Succeeded).SetProperty(t => t.FinishedAt, finished)
                    .SetProperty(t => t.ScanMilliseconds, (long)scanTime.TotalMilliseconds), CancellationToken.None);
            if (mine == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                // Reclaimed or cancelled meanwhile, or already imported by an earlier run that was taken for dead: that
                // run's import stands, and a task holding one is done.
                await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker && t.ImportId != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Succeeded).SetProperty(t => t.FinishedAt, finished), CancellationToken.None);
                return Task.CompletedTask;
            }

            try
            {
                result = await engine.Importer.ImportAsync(db, run, new ImportOptions
                {
                    InstitutionId = task.InstitutionId,
                    ImportedBy = engine.Actor,
                    Now = finished,
                    CampaignTaskId = taskId,
                }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is FindingImportException or DbUpdateException)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await FinishAsync(taskId, worker, CampaignTaskStatus.Failed, $"检测完成但结果未能导入：{ex.Message}");
                await engine.AuditAsync("fail", nameof(CampaignTask), taskId.ToString(), $"检测子任务结果未导入（资产 {asset.Value}）：{ex.Message}");
                return Task.CompletedTask;
            }

            var import = result.Institutions.FirstOrDefault();
            var imported = engine.Clock.GetUtcNow(); // the task ends with its import: what the import took is the engine's time too
            await db.CampaignTasks.Where(t => t.Id == taskId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ImportId, import == null ? null : import.ImportId).SetProperty(t => t.FinishedAt, imported)
                    .SetProperty(t => t.NewCount, result.New + result.Reopened).SetProperty(t => t.FixedCount, result.Fixed)
                    .SetProperty(t => t.StillOpenCount, result.Updated), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        return engine.AuditWithNextAppend("finish", nameof(CampaignTask), taskId.ToString(),
            $"检测子任务完成（{task.Detector}，资产 {asset.Value}，检测用时 {scanTime.TotalSeconds:0.0} 秒）：新发现 {result.New}，重新打开 {result.Reopened}，再次发现 {result.Updated}，已修复 {result.Fixed}");
    }

    private async Task StoppedAsync(Guid taskId, string worker, CampaignTask task, Asset asset, StopCause cause, string? switchReason, Campaign campaign, bool shuttingDown)
    {
        switch (cause)
        {
            case StopCause.Switch:
                await HoldAsync(taskId, worker, $"停止开关：{switchReason}", null);
                await engine.AuditAsync("stop", nameof(CampaignTask), taskId.ToString(), $"停止开关生效，检测子任务已停止（{task.Detector}，资产 {asset.Value}）：{switchReason}");
                break;
            case StopCause.Overtime:
                await FinishAsync(taskId, worker, CampaignTaskStatus.Failed, $"超过单个子任务最长时间 {TimeSpan.FromSeconds(campaign.MaxTaskSeconds)}，已停止");
                await engine.AuditAsync("stop", nameof(CampaignTask), taskId.ToString(), $"检测子任务超时停止（{task.Detector}，资产 {asset.Value}）");
                break;
            case StopCause.Gone:
                await engine.AuditAsync("stop", nameof(CampaignTask), taskId.ToString(), $"检测子任务已取消或被收回，扫描已停止（{task.Detector}，资产 {asset.Value}）");
                break;
            default:
                if (shuttingDown)
                {
                    // This worker is stopping (Ctrl-C, SIGTERM): the task goes back to Pending, and the next pump pass (of this
                    // engine restarted, or of another worker) hands it out again with a new job — the engine counts this job done.
                    await using var db = engine.Context();
                    await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Pending).SetProperty(t => t.Worker, (string?)null)
                            .SetProperty(t => t.Error, "工作进程停止，子任务已放回队列"), CancellationToken.None);
                    await engine.AuditAsync("stop", nameof(CampaignTask), taskId.ToString(), $"工作进程停止，检测子任务放回队列（{task.Detector}，资产 {asset.Value}）");
                }

                break;
        }
    }

    private async Task FinishAsync(Guid taskId, string worker, CampaignTaskStatus status, string error)
    {
        var now = engine.Clock.GetUtcNow();
        await using var db = engine.Context();
        await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status).SetProperty(t => t.Error, Clip(error)).SetProperty(t => t.FinishedAt, now), CancellationToken.None);
    }

    /// <summary>Back to Waiting: the pump hands it out again at <paramref name="notBefore"/> (or when the stop switch is cleared).</summary>
    private async Task HoldAsync(Guid taskId, string worker, string reason, DateTimeOffset? notBefore)
    {
        await using var db = engine.Context();
        await db.CampaignTasks.Where(t => t.Id == taskId && t.Status == CampaignTaskStatus.Running && t.Worker == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Waiting).SetProperty(t => t.Error, Clip(reason))
                .SetProperty(t => t.NotBefore, notBefore).SetProperty(t => t.Worker, (string?)null).SetProperty(t => t.HeartbeatAt, (DateTimeOffset?)null), CancellationToken.None);
    }

    /// <summary>The reason of the stop switch holding this institution (its own or the global one), or null.</summary>
    internal static async Task<string?> ActiveStopAsync(MedGuardDbContext db, Guid institutionId) =>
        await db.DetectionStops.AsNoTracking().Where(s => s.ClearedAt == null && (s.InstitutionId == null || s.InstitutionId == institutionId))
            .OrderBy(s => s.SetAt).Select(s => s.Reason + "（" + s.SetBy + "）").FirstOrDefaultAsync(CancellationToken.None);

    /// <summary>
    /// When the only thing wrong is the time of day: an authorization that would permit the detector at its window's
    /// next start. Then the task waits for the window instead of being refused.
    /// </summary>
    private static (string Window, DateTimeOffset At)? WindowWait(IReadOnlyList<AssetAuthorization> authorizations, string detector, DateTimeOffset now)
    {
        if (authorizations.Any(a => a.Permits(detector, now)))
        {
            return null;
        }

        foreach (var authorization in authorizations.Where(a => a.AllowedWindow is not null))
        {
            var at = CampaignSchedule.NextWindowStart(authorization.AllowedWindow, now);
            if (at > now && authorization.Permits(detector, at))
            {
                return (authorization.AllowedWindow!, at);
            }
        }

        return null;
    }

    private static string Beijing(DateTimeOffset at) => Domain.Platform.ChinaStandardTime.At(at).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + "（北京时间）";

    private static string Clip(string text) => text.Length <= 4000 ? text : text[..3999] + "…";
}
