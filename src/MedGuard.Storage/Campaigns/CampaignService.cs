using System.Text.RegularExpressions;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Scope;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Campaigns;

/// <summary>
/// Campaigns (检测任务计划, issue 14) as the pages, the API and the command line handle them: create (validated, the
/// scope resolved to at least one asset), list, progress, cancel, re-run failed tasks, and the stop switches. Every
/// method works in the context's tenant scope (its query filters and save guard): a regulator creates and sees the
/// campaigns of its region, a hospital its own. Rounds are started and tasks run by the job engine (MedGuard.Jobs),
/// which calls <see cref="StartRoundAsync"/> and <see cref="FinishRoundsAsync"/> in the system scope.
/// </summary>
public sealed partial class CampaignService(TimeProvider? clock = null)
{
    /// <summary>Upper bounds a request may ask for (a campaign is gentle by design; hospitals' servers are fragile).</summary>
    public const int MaxGlobalConcurrency = 256;

    public const int MaxTaskSecondsLimit = 24 * 3600;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Validates and stores a campaign; its first round starts when the job engine next looks (at once for <c>Now</c>).</summary>
    /// <exception cref="CampaignException">Bad name, detector, schedule, budget or window; a scope with no asset to run on.</exception>
    public async Task<Campaign> CreateAsync(MedGuardDbContext db, CampaignRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var now = _clock.GetUtcNow();
        if (db.Scope.Kind == TenantKind.Agency)
        {
            throw new CampaignException("测评机构不能创建检测任务计划");
        }

        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            throw new CampaignException("任务计划名称不能为空，最多 200 个字符");
        }

        var detectors = request.Detectors.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (detectors.Count == 0)
        {
            throw new CampaignException($"至少选择一种检测（{string.Join("、", Campaign.KnownDetectors)}）");
        }

        if (detectors.FirstOrDefault(d => !Campaign.KnownDetectors.Contains(d)) is { } unknown)
        {
            throw new CampaignException($"未知的检测类型 '{unknown}'（可选：{string.Join("、", Campaign.KnownDetectors)}）");
        }

        if (request.GlobalConcurrency is < 1 or > MaxGlobalConcurrency)
        {
            throw new CampaignException($"全局并发数应在 1–{MaxGlobalConcurrency} 之间（收到 {request.GlobalConcurrency}）");
        }

        if (request.MaxTaskSeconds is < 10 or > MaxTaskSecondsLimit)
        {
            throw new CampaignException($"单个子任务最长时间应在 10 秒到 24 小时之间（收到 {request.MaxTaskSeconds} 秒）");
        }

        if (request.MaxRoundSeconds is < 60)
        {
            throw new CampaignException($"每轮最长时间至少 60 秒（收到 {request.MaxRoundSeconds} 秒）");
        }

        var window = string.IsNullOrWhiteSpace(request.Window) ? null : request.Window.Trim();
        if (window is not null && !ScanWindow.TryParseDaily(window, out _, out _))
        {
            throw new CampaignException($"检测时段 '{window}' 无法识别（应为北京时间 HH:mm-HH:mm，如 22:00-06:00，起止不能相同）");
        }

        var ports = string.IsNullOrWhiteSpace(request.Ports) ? "top100" : request.Ports.Trim();
        if (!PortListPattern().IsMatch(ports))
        {
            throw new CampaignException($"端口 '{ports}' 无法识别（如 top100、22,80,443、1-1024）");
        }

        if (request.WebMaxPages is < 1 or > 100_000)
        {
            throw new CampaignException($"网站检测的页面上限应在 1–100000 之间（收到 {request.WebMaxPages}）");
        }

        var campaign = new Campaign
        {
            Name = name,
            CreatedBy = request.CreatedBy,
            CreatedByUserId = request.UserId,
            CreatedAt = now,
            Detectors = detectors,
            ScheduleKind = request.Schedule,
            GlobalConcurrency = request.GlobalConcurrency,
            Window = window,
            MaxTaskSeconds = request.MaxTaskSeconds,
            MaxRoundSeconds = request.MaxRoundSeconds,
            Ports = ports,
            WebMaxPages = request.WebMaxPages,
            OwnerRegion = db.Scope.Kind == TenantKind.Regulator ? db.Scope.Region : null,
            OwnerInstitutionId = db.Scope.Kind == TenantKind.Institution ? db.Scope.InstitutionId : null,
        };
        switch (request.Schedule)
        {
            case CampaignScheduleKind.Now:
                campaign.NextRunAt = now;
                break;
            case CampaignScheduleKind.Once:
                campaign.RunAt = request.RunAt ?? throw new CampaignException("定时一次的计划必须给出开始时间");
                campaign.NextRunAt = request.RunAt < now ? now : request.RunAt;
                break;
            case CampaignScheduleKind.Cron:
                campaign.Cron = request.Cron!.Trim();
                campaign.NextRunAt = CampaignSchedule.NextCron(campaign.Cron, now)
                    ?? throw new CampaignException($"cron 表达式 \"{campaign.Cron}\" 今后不会再触发");
                break;
            default:
                throw new CampaignException($"未知的计划方式 {request.Schedule}");
        }

        var scope = request.Scope ?? new CampaignScope();
        if (scope.IsEmpty)
        {
            throw new CampaignException("检测范围为空：请指定机构、行政区划或资产");
        }

        if (scope.Region is { } region && region.Trim().Length == 0)
        {
            scope = scope with { Region = null };
        }

        campaign.ScopeJson = scope.ToJson();
        var planned = await ResolveAsync(db, campaign, ct);
        if (planned.Count == 0)
        {
            throw new CampaignException(await EmptyScopeReasonAsync(db, scope, detectors, ct));
        }

        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return campaign;
    }

    /// <summary>
    /// The asset × detector pairs a campaign covers now: the scope's assets (seen through the context's tenant filter, and
    /// never beyond the campaign's owner — a round started by the system scope stays inside the owner's reach) of a kind
    /// the detector looks at.
    /// </summary>
    public async Task<IReadOnlyList<(Asset Asset, string Detector)>> ResolveAsync(MedGuardDbContext db, Campaign campaign, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(campaign);
        var scope = CampaignScope.FromJson(campaign.ScopeJson);
        var institutionIds = scope.InstitutionIds.ToList();
        var assetIds = scope.AssetIds.ToList();
        var region = scope.Region?.Trim();
        var query = from a in db.Assets.AsNoTracking()
                    join i in db.Institutions.AsNoTracking() on a.InstitutionId equals i.Id
                    where institutionIds.Contains(a.InstitutionId) || assetIds.Contains(a.Id) || (region != null && i.Region.StartsWith(region))
                    select new { Asset = a, i.Region };
        if (campaign.OwnerInstitutionId is { } owner)
        {
            query = query.Where(x => x.Asset.InstitutionId == owner);
        }

        if (campaign.OwnerRegion is { } ownerRegion)
        {
            query = query.Where(x => x.Region.StartsWith(ownerRegion));
        }

        if (scope.AssetKinds.Count > 0)
        {
            var kinds = scope.AssetKinds.ToList();
            query = query.Where(x => kinds.Contains(x.Asset.Kind));
        }

        var assets = await query.Select(x => x.Asset).ToListAsync(ct);
        return [.. assets.OrderBy(a => a.InstitutionId).ThenBy(a => a.Value, StringComparer.Ordinal)
            .SelectMany(a => campaign.Detectors.Where(d => CampaignScope.Fits(a.Kind, d)).Select(d => (a, d)))];
    }

    private static async Task<string> EmptyScopeReasonAsync(MedGuardDbContext db, CampaignScope scope, IReadOnlyList<string> detectors, CancellationToken ct)
    {
        var parts = new List<string>();
        if (scope.InstitutionIds.Count > 0)
        {
            var ids = scope.InstitutionIds.ToList();
            var visible = await db.Institutions.AsNoTracking().CountAsync(i => ids.Contains(i.Id), ct);
            parts.Add(visible < ids.Count ? $"所选 {ids.Count} 个机构中有 {ids.Count - visible} 个不存在或不在您的管辖范围内" : $"{ids.Count} 个机构");
        }

        if (scope.Region is { } region)
        {
            parts.Add($"行政区划 {region}（{AdministrativeRegions.Find(region) ?? "未知区划"}）");
        }

        if (scope.AssetIds.Count > 0)
        {
            parts.Add($"{scope.AssetIds.Count} 个指定资产");
        }

        var fits = string.Join("、", detectors.Select(d => d switch
        {
            "ports" => "端口检测需要 IP 地址资产",
            "web" => "网站检测需要网站资产",
            "apk" => "App 检测需要 App 资产",
            "logic" => "业务逻辑检测需要公众号资产",
            _ => d,
        }));
        return $"检测范围内没有可检测的资产（{string.Join("，", parts)}）：{fits}"
            + (scope.AssetKinds.Count > 0 ? $"，且只取 {string.Join("、", scope.AssetKinds.Select(k => k.ToChinese()))} 类资产" : "")
            + "。请先登记资产及其授权，或调整范围。";
    }

    /// <summary>The campaigns the context's tenant sees, newest first, with their task counts.</summary>
    public async Task<IReadOnlyList<CampaignSummary>> ListAsync(MedGuardDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaigns = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();
        var counts = await db.CampaignTasks.AsNoTracking().Where(t => ids.Contains(t.CampaignId))
            .GroupBy(t => new { t.CampaignId, t.Status }).Select(g => new { g.Key.CampaignId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        return [.. campaigns.Select(c =>
        {
            var own = counts.Where(x => x.CampaignId == c.Id).ToList();
            return new CampaignSummary(
                c.Id, c.Name, c.Status, c.ScheduleKind, c.Cron, c.Detectors, c.CreatedAt, c.CreatedBy, c.NextRunAt, c.RoundCount,
                own.Sum(x => x.Count),
                own.Where(x => x.Status is CampaignTaskStatus.Succeeded or CampaignTaskStatus.Failed or CampaignTaskStatus.Refused or CampaignTaskStatus.Cancelled).Sum(x => x.Count),
                own.Where(x => x.Status is CampaignTaskStatus.Failed or CampaignTaskStatus.Refused).Sum(x => x.Count));
        })];
    }

    /// <summary>A campaign's progress (latest round overall and per institution, ETA, failures), or null when the tenant does not see it.</summary>
    public async Task<CampaignProgress?> GetAsync(MedGuardDbContext db, Guid campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
        {
            return null;
        }

        var rounds = await db.CampaignRounds.AsNoTracking().Where(r => r.CampaignId == campaignId).OrderBy(r => r.Number).ToListAsync(ct);
        var current = rounds.LastOrDefault();
        var tasks = current is null
            ? []
            : await db.CampaignTasks.AsNoTracking().Where(t => t.RoundId == current.Id)
                .Select(t => new TaskRow(t.Id, t.InstitutionId, t.AssetId, t.Detector, t.Status, t.Attempts, t.Error, t.StartedAt, t.FinishedAt, t.NewCount, t.FixedCount, t.StillOpenCount))
                .ToListAsync(ct);
        var institutionIds = tasks.Select(t => t.InstitutionId).Distinct().ToList();
        var names = await db.Institutions.AsNoTracking().Where(i => institutionIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var failedAssetIds = tasks.Where(t => t.Status is CampaignTaskStatus.Failed or CampaignTaskStatus.Refused).Select(t => t.AssetId).Distinct().ToList();
        var assetValues = await db.Assets.AsNoTracking().Where(a => failedAssetIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Value, ct);

        var durations = tasks.Where(t => t.Status is CampaignTaskStatus.Succeeded or CampaignTaskStatus.Failed && t.StartedAt is not null && t.FinishedAt is not null)
            .Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalSeconds).ToList();
        var overall = Count(tasks);
        TimeSpan? mean = durations.Count == 0 ? null : TimeSpan.FromSeconds(durations.Average());
        DateTimeOffset? eta = null;
        var remaining = overall.Total - overall.Finished;
        if (remaining == 0 && current?.FinishedAt is { } finished)
        {
            eta = finished;
        }
        else if (mean is { } m && remaining > 0)
        {
            var lanes = Math.Max(1, Math.Min(campaign.GlobalConcurrency, remaining));
            eta = _clock.GetUtcNow() + (m * remaining / lanes);
        }

        var stopInstitutions = institutionIds.Cast<Guid?>().ToList();
        var stops = await db.DetectionStops.AsNoTracking()
            .Where(s => s.ClearedAt == null && (s.InstitutionId == null || stopInstitutions.Contains(s.InstitutionId))).ToListAsync(ct);
        return new CampaignProgress(
            campaign,
            CampaignScope.FromJson(campaign.ScopeJson),
            current,
            rounds,
            overall,
            [.. tasks.GroupBy(t => t.InstitutionId)
                .Select(g => new InstitutionProgress(g.Key, names.GetValueOrDefault(g.Key) ?? g.Key.ToString(), Count(g)))
                .OrderBy(p => p.InstitutionName, StringComparer.Ordinal)],
            [.. tasks.Where(t => t.Status is CampaignTaskStatus.Failed or CampaignTaskStatus.Refused)
                .OrderBy(t => names.GetValueOrDefault(t.InstitutionId), StringComparer.Ordinal)
                .Select(t => new TaskFailure(t.Id, t.InstitutionId, names.GetValueOrDefault(t.InstitutionId) ?? "", t.AssetId, assetValues.GetValueOrDefault(t.AssetId) ?? "",
                    t.Detector, t.Status, t.Attempts, t.Error, t.FinishedAt))],
            mean,
            eta,
            stops);
    }

    private sealed record TaskRow(
        Guid Id, Guid InstitutionId, Guid AssetId, string Detector, CampaignTaskStatus Status, int Attempts, string? Error,
        DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int New, int Fixed, int StillOpen);

    private static TaskCounts Count(IEnumerable<TaskRow> tasks)
    {
        var list = tasks.ToList();
        return new TaskCounts
        {
            Total = list.Count,
            ByStatus = list.GroupBy(t => t.Status).ToDictionary(g => g.Key, g => g.Count()),
            NewFindings = list.Sum(t => t.New),
            FixedFindings = list.Sum(t => t.Fixed),
            StillOpenFindings = list.Sum(t => t.StillOpen),
        };
    }

    /// <summary>
    /// Cancels a campaign: no further round, every unfinished task Cancelled (a running one is stopped by its worker's
    /// next heartbeat, within about a second). Returns the tasks cancelled.
    /// </summary>
    public async Task<int> CancelAsync(MedGuardDbContext db, Guid campaignId, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = _clock.GetUtcNow();
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct)
            ?? throw new CampaignException("任务计划不存在或不在您的管辖范围内");
        if (campaign.Status is CampaignStatus.Cancelled)
        {
            throw new CampaignException($"任务计划「{campaign.Name}」已于此前取消");
        }

        campaign.Status = CampaignStatus.Cancelled;
        campaign.NextRunAt = null;
        campaign.CancelledAt = now;
        campaign.CancelledBy = by;
        campaign.StatusReason = $"由 {by} 取消";
        await db.SaveChangesAsync(ct);
        var cancelled = await db.CampaignTasks.Where(t => t.CampaignId == campaignId && t.Status != CampaignTaskStatus.Succeeded
                && t.Status != CampaignTaskStatus.Failed && t.Status != CampaignTaskStatus.Refused && t.Status != CampaignTaskStatus.Cancelled)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Cancelled).SetProperty(t => t.Error, "任务计划已取消")
                .SetProperty(t => t.FinishedAt, now), ct);
        await db.CampaignRounds.Where(r => r.CampaignId == campaignId && r.Status == CampaignRoundStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, CampaignRoundStatus.Cancelled).SetProperty(r => r.FinishedAt, now), ct);
        return cancelled;
    }

    /// <summary>Sends the latest round's failed tasks (not the refused ones: they need an authorization first) back to the queue.</summary>
    public async Task<int> RetryFailedAsync(MedGuardDbContext db, Guid campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct)
            ?? throw new CampaignException("任务计划不存在或不在您的管辖范围内");
        if (campaign.Status == CampaignStatus.Cancelled)
        {
            throw new CampaignException($"任务计划「{campaign.Name}」已取消，不能重试");
        }

        var round = await db.CampaignRounds.Where(r => r.CampaignId == campaignId).OrderByDescending(r => r.Number).FirstOrDefaultAsync(ct)
            ?? throw new CampaignException($"任务计划「{campaign.Name}」尚未运行");
        var retried = await db.CampaignTasks.Where(t => t.RoundId == round.Id && t.Status == CampaignTaskStatus.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Pending).SetProperty(t => t.Error, (string?)null)
                .SetProperty(t => t.FinishedAt, (DateTimeOffset?)null).SetProperty(t => t.Worker, (string?)null).SetProperty(t => t.HeartbeatAt, (DateTimeOffset?)null), ct);
        if (retried > 0)
        {
            round.Status = CampaignRoundStatus.Running;
            round.FinishedAt = null;
            campaign.Status = CampaignStatus.Running;
            campaign.StatusReason = null;
            await db.SaveChangesAsync(ct);
        }

        return retried;
    }

    /// <summary>Sets a stop switch: one institution's (<paramref name="institutionId"/>) or the global one (null; administrators only).</summary>
    public async Task<DetectionStop> SetStopAsync(MedGuardDbContext db, Guid? institutionId, string by, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CampaignException("停止检测必须说明原因");
        }

        if (institutionId is null && db.Scope.Kind != TenantKind.System)
        {
            throw new CampaignException("全局停止开关只有平台管理员可以设置");
        }

        if (institutionId is { } id && !await db.Institutions.AnyAsync(i => i.Id == id, ct))
        {
            throw new CampaignException("机构不存在或不在您的管辖范围内");
        }

        var existing = await db.DetectionStops.FirstOrDefaultAsync(s => s.ClearedAt == null && s.InstitutionId == institutionId, ct);
        if (existing is not null)
        {
            return existing;
        }

        var stop = new DetectionStop { InstitutionId = institutionId, SetBy = by, SetAt = _clock.GetUtcNow(), Reason = reason.Trim() };
        db.DetectionStops.Add(stop);
        await db.SaveChangesAsync(ct);
        return stop;
    }

    /// <summary>Clears a stop switch; held tasks go back to the queue at the pump's next pass. False when none was set.</summary>
    public async Task<bool> ClearStopAsync(MedGuardDbContext db, Guid? institutionId, string by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (institutionId is null && db.Scope.Kind != TenantKind.System)
        {
            throw new CampaignException("全局停止开关只有平台管理员可以解除");
        }

        var stops = await db.DetectionStops.Where(s => s.ClearedAt == null && s.InstitutionId == institutionId).ToListAsync(ct);
        foreach (var stop in stops)
        {
            stop.ClearedAt = _clock.GetUtcNow();
            stop.ClearedBy = by;
        }

        await db.SaveChangesAsync(ct);
        return stops.Count > 0;
    }

    /// <summary>
    /// Starts the campaign's next round if it is due (system scope, the job engine): plans one task per asset × detector
    /// from the scope as it stands, moves the campaign to Running and its next run to the cron's next firing. Two engines
    /// firing the same round at once: the unique (campaign, number) index lets one win. Null when nothing was due.
    /// </summary>
    public async Task<CampaignRound?> StartRoundAsync(MedGuardDbContext db, Guid campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = _clock.GetUtcNow();
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null || campaign.Status is CampaignStatus.Cancelled or CampaignStatus.Failed || campaign.NextRunAt is not { } due || due > now)
        {
            return null;
        }

        // A cron campaign whose previous round still runs skips this firing (it is not stacked): the next one is planned.
        if (campaign.Status == CampaignStatus.Running)
        {
            campaign.NextRunAt = campaign.ScheduleKind == CampaignScheduleKind.Cron ? CampaignSchedule.NextCron(campaign.Cron!, now) : null;
            await db.SaveChangesAsync(ct);
            return null;
        }

        var planned = await ResolveAsync(db, campaign, ct);
        var round = new CampaignRound { CampaignId = campaign.Id, Number = campaign.RoundCount + 1, StartedAt = now, TaskCount = planned.Count };
        campaign.RoundCount = round.Number;
        campaign.NextRunAt = campaign.ScheduleKind == CampaignScheduleKind.Cron ? CampaignSchedule.NextCron(campaign.Cron!, now) : null;
        if (planned.Count == 0)
        {
            round.Status = CampaignRoundStatus.Completed;
            round.FinishedAt = now;
            campaign.Status = campaign.NextRunAt is null ? CampaignStatus.Completed : CampaignStatus.Scheduled;
            campaign.StatusReason = $"第 {round.Number} 轮时范围内已没有可检测的资产";
        }
        else
        {
            campaign.Status = CampaignStatus.Running;
            campaign.StatusReason = null;
        }

        db.CampaignRounds.Add(round);
        db.CampaignTasks.AddRange(planned.Select(p => new CampaignTask
        {
            CampaignId = campaign.Id,
            RoundId = round.Id,
            InstitutionId = p.Asset.InstitutionId,
            AssetId = p.Asset.Id,
            Detector = p.Detector,
            Zone = NetworkZone.Normalize(p.Asset.Zone),
            CreatedAt = now,
        }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return null; // another engine started this round first
        }

        return round;
    }

    /// <summary>
    /// Closes the rounds all of whose tasks ended (counts recorded; the campaign back to Scheduled for its next cron
    /// firing, or Completed), and stops rounds past the campaign's maximum duration (their unfinished tasks Cancelled,
    /// the round Failed). Returns the campaigns whose round closed.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> FinishRoundsAsync(MedGuardDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = _clock.GetUtcNow();
        var running = await db.CampaignRounds.Where(r => r.Status == CampaignRoundStatus.Running).ToListAsync(ct);
        var closed = new List<Guid>();
        foreach (var round in running)
        {
            var campaign = await db.Campaigns.FirstAsync(c => c.Id == round.CampaignId, ct);
            var max = TimeSpan.FromSeconds(campaign.MaxRoundSeconds ?? int.MaxValue);
            var overdue = campaign.MaxRoundSeconds is not null && now - round.StartedAt > max;
            if (overdue)
            {
                await db.CampaignTasks.Where(t => t.RoundId == round.Id && (t.Status == CampaignTaskStatus.Pending || t.Status == CampaignTaskStatus.Queued
                        || t.Status == CampaignTaskStatus.Running || t.Status == CampaignTaskStatus.Waiting))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, CampaignTaskStatus.Cancelled)
                        .SetProperty(t => t.Error, $"本轮超过最长时间 {max}，未完成的子任务已停止").SetProperty(t => t.FinishedAt, now), ct);
            }

            var counts = await db.CampaignTasks.AsNoTracking().Where(t => t.RoundId == round.Id).GroupBy(t => t.Status)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var open = counts.Where(c => c.Key is CampaignTaskStatus.Pending or CampaignTaskStatus.Queued or CampaignTaskStatus.Running or CampaignTaskStatus.Waiting).Sum(c => c.Value);
            if (open > 0)
            {
                continue;
            }

            round.SucceededCount = counts.GetValueOrDefault(CampaignTaskStatus.Succeeded);
            round.FailedCount = counts.GetValueOrDefault(CampaignTaskStatus.Failed);
            round.RefusedCount = counts.GetValueOrDefault(CampaignTaskStatus.Refused);
            round.CancelledCount = counts.GetValueOrDefault(CampaignTaskStatus.Cancelled);
            round.FinishedAt = now;
            round.Status = overdue ? CampaignRoundStatus.Failed : campaign.Status == CampaignStatus.Cancelled ? CampaignRoundStatus.Cancelled : CampaignRoundStatus.Completed;
            if (campaign.Status == CampaignStatus.Running)
            {
                campaign.Status = campaign.NextRunAt is not null ? CampaignStatus.Scheduled
                    : overdue ? CampaignStatus.Failed
                    : CampaignStatus.Completed;
                campaign.StatusReason = overdue ? $"第 {round.Number} 轮超过最长时间，未完成的子任务已停止" : null;
            }

            closed.Add(campaign.Id);
        }

        await db.SaveChangesAsync(ct);
        return closed;
    }

    // The port engine parses the list when the task runs (PortSet); here only its shape: top N, -, or numbers and ranges.
    [GeneratedRegex(@"^(top\d{1,5}|-|\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*)$")]
    private static partial Regex PortListPattern();
}
