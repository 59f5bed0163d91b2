using MedGuard.Domain.Campaigns;
using MedGuard.Server.Campaigns;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;

namespace MedGuard.Server.Api;

/// <summary>
/// /api/campaigns and /api/detection-stops: 检测任务计划 (issue 14) created, listed, watched, cancelled and re-run, and
/// the stop switches — through <see cref="CampaignActions"/>, the same path as the pages. Assessment agencies run no
/// campaigns (403); another tenant's campaign or institution answers 404; a refused request 400 with the reason.
/// </summary>
public static class CampaignsApi
{
    public static void MapCampaignsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/campaigns", async (HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            return Results.Ok((await actions.Service.ListAsync(db)).Select(CampaignSummaryView.Of).ToList());
        }).WithSummary("检测任务计划列表（本人管辖范围内，最新在前，含子任务进度）");
        api.MapPost("/campaigns", async (CampaignInput body, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            var campaign = await actions.CreateAsync(db, http, body);
            return Results.Created($"/api/campaigns/{campaign.Id}", CampaignDetailView.Of(await actions.GetAsync(db, campaign.Id)));
        }).WithSummary("新建检测任务计划：scope{institutionIds,region,assetKinds,assetIds} × detectors[ports,web,apk] × schedule(now|once+runAt|cron，北京时间五段) × 预算")
            .WithDescription("400：cron 无法解析、范围内没有可检测的资产、时段格式错误、预算越界（原因为中文）；404：指定的机构或资产不存在或不在管辖范围内；403：测评机构。");
        api.MapGet("/campaigns/{id:guid}", async (Guid id, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            return Results.Ok(CampaignDetailView.Of(await actions.GetAsync(db, id)));
        }).WithSummary("检测任务计划详情：总体与各机构进度、预计完成时间、失败原因、各轮次、停止开关、检测发现链接");
        api.MapPost("/campaigns/{id:guid}/cancel", async (Guid id, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            var cancelled = await actions.CancelAsync(db, http, id);
            return Results.Ok(new CampaignActionResult(id, cancelled, $"已取消，{cancelled} 个未完成的子任务已停止"));
        }).WithSummary("取消检测任务计划（不再开始新一轮；未完成的子任务全部取消，运行中的在下一次心跳时停止）");
        api.MapPost("/campaigns/{id:guid}/retry-failed", async (Guid id, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            var retried = await actions.RetryFailedAsync(db, http, id);
            return Results.Ok(new CampaignActionResult(id, retried, $"{retried} 个失败的子任务已重新排队"));
        }).WithSummary("重试最近一轮失败的子任务（被拒绝的子任务需先补授权，不在此列）");

        api.MapGet("/detection-stops", async (HttpContext http, MedGuardDbContext db) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            return Results.Ok(await CampaignActions.ActiveStopsAsync(db));
        }).WithSummary("已设置的停止开关（全局开关仅管理员可见）");
        api.MapPost("/detection-stops", async (DetectionStopRequest body, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            PlatformApi.Require(body.InstitutionId is not null || CampaignActions.ReachOf(http.User) != StopReach.None);
            var held = await actions.SetStopAsync(db, http, body.InstitutionId, body.Reason);
            return Results.Ok(new DetectionStopResult(held.Count, body.InstitutionId is null && held is [null]));
        }).WithSummary("设置停止开关：institutionId 为一个机构；省略则为一键停止——管理员为全局开关，监管部门为本辖区每个机构（医疗机构不可省略）")
            .WithDescription("reason 必填。运行中的子任务在数秒内停止，等待中的不再开始。");
        api.MapDelete("/detection-stops", async (Guid? institution, HttpContext http, MedGuardDbContext db, CampaignActions actions) =>
        {
            PlatformApi.Require(CampaignActions.MayRun(http.User));
            PlatformApi.Require(institution is not null || CampaignActions.ReachOf(http.User) != StopReach.None);
            var cleared = await actions.ClearStopAsync(db, http, institution);
            return Results.Ok(new DetectionStopResult(cleared, institution is null && CampaignActions.ReachOf(http.User) == StopReach.Global));
        }).WithSummary("解除停止开关：?institution=ID 为一个机构；省略则为管理员的全局开关或监管部门本辖区的全部开关");
    }
}

public sealed record DetectionStopRequest(Guid? InstitutionId, string? Reason);

/// <summary>Switches set or cleared; <see cref="Global"/> when the platform-wide one was meant.</summary>
public sealed record DetectionStopResult(int Count, bool Global);

public sealed record CampaignActionResult(Guid Id, int Tasks, string Message);

public sealed record CampaignSummaryView(
    Guid Id, string Name, string Status, string StatusCode, string Schedule, string? Cron, IReadOnlyList<string> Detectors, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? NextRunAt, int Rounds, int Tasks, int Finished, int Failed)
{
    public static CampaignSummaryView Of(CampaignSummary c) => new(
        c.Id, c.Name, c.Status.ToChinese(), c.Status.ToString(), c.Schedule.ToChinese(), c.Cron, c.Detectors, c.CreatedAt, c.CreatedBy, c.NextRunAt, c.Rounds, c.Tasks, c.Finished, c.Failed);
}

public sealed record TaskCountsView(int Total, int Finished, double Done, IReadOnlyDictionary<string, int> ByStatus, int NewFindings, int FixedFindings, int StillOpenFindings)
{
    public static TaskCountsView Of(TaskCounts c) => new(
        c.Total, c.Finished, Math.Round(c.Done, 4), c.ByStatus.ToDictionary(p => p.Key.ToString(), p => p.Value), c.NewFindings, c.FixedFindings, c.StillOpenFindings);
}

/// <summary>One institution's progress with the findings list's links (new / fixed / still open) for it.</summary>
public sealed record InstitutionProgressView(Guid InstitutionId, string Institution, TaskCountsView Counts, bool Stopped, IReadOnlyDictionary<string, string> FindingLinks);

public sealed record RoundView(int Number, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, int Tasks, int Succeeded, int Failed, int Refused, int Cancelled);

public sealed record TaskFailureView(Guid TaskId, Guid InstitutionId, string Institution, Guid AssetId, string Asset, string Detector, string Status, int Attempts, string? Error, DateTimeOffset? FinishedAt);

public sealed record CampaignDetailView(
    Guid Id, string Name, string Status, string StatusCode, string? StatusReason, string Schedule, DateTimeOffset? RunAt, string? Cron, DateTimeOffset? NextRunAt,
    IReadOnlyList<string> Detectors, CampaignScope Scope, int GlobalConcurrency, string? Window, int MaxTaskSeconds, int? MaxRoundSeconds, string Ports, int WebMaxPages,
    DateTimeOffset CreatedAt, string CreatedBy, TaskCountsView Overall, DateTimeOffset? EstimatedEnd, double? MeanTaskSeconds, IReadOnlyList<InstitutionProgressView> Institutions,
    IReadOnlyList<TaskFailureView> Failures, IReadOnlyList<RoundView> Rounds, IReadOnlyList<StopView> ActiveStops)
{
    public static CampaignDetailView Of(CampaignProgress p)
    {
        var c = p.Campaign;
        var stopped = p.ActiveStops.Select(s => s.InstitutionId).ToHashSet();
        return new(
            c.Id, c.Name, c.Status.ToChinese(), c.Status.ToString(), c.StatusReason, c.ScheduleKind.ToChinese(), c.RunAt, c.Cron, c.NextRunAt, c.Detectors, p.Scope,
            c.GlobalConcurrency, c.Window, c.MaxTaskSeconds, c.MaxRoundSeconds, c.Ports, c.WebMaxPages, c.CreatedAt, c.CreatedBy, TaskCountsView.Of(p.Overall),
            p.EstimatedEnd, p.MeanTaskDuration?.TotalSeconds,
            [.. p.Institutions.Select(i => new InstitutionProgressView(i.InstitutionId, i.InstitutionName, TaskCountsView.Of(i.Counts), stopped.Contains(i.InstitutionId) || stopped.Contains(null),
                CampaignLinks.FindingsOf(c.Id, i.InstitutionId)))],
            [.. p.Failures.Select(f => new TaskFailureView(f.TaskId, f.InstitutionId, f.InstitutionName, f.AssetId, f.Asset, f.Detector, f.Status.ToChinese(), f.Attempts, f.Error, f.FinishedAt))],
            [.. p.Rounds.Select(r => new RoundView(r.Number, r.Status.ToChinese(), r.StartedAt, r.FinishedAt, r.TaskCount, r.SucceededCount, r.FailedCount, r.RefusedCount, r.CancelledCount))],
            [.. p.ActiveStops.Select(s => new StopView(s.Id, s.InstitutionId, s.InstitutionId is null ? "全部机构（全局）" : p.Institutions.FirstOrDefault(i => i.InstitutionId == s.InstitutionId)?.InstitutionName ?? "",
                s.SetBy, s.SetAt, s.Reason))]);
    }
}
