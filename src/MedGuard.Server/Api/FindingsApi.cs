using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Server.Findings;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;

namespace MedGuard.Server.Api;

/// <summary>
/// /api/findings: import detection runs (the same <see cref="FindingService"/> as the upload page), the filtered list,
/// one finding with its evidence masked (the read is audited) and its workflow. Who sees which finding is the tenant
/// filter's job; another tenant's finding answers 404.
/// </summary>
public static class FindingsApi
{
    public static void MapFindingsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/findings/import", ImportAsync)
            .WithSummary("导入检测运行（multipart 文件，可多个；或请求体直接为 DetectionRun JSON）；每个运行一个事务")
            .WithDescription("?institution=ID 只匹配该机构的资产。400：格式错误、非 DetectionRun、资产未登记或无有效授权；409：该运行已导入；413：超过上传上限。");
        api.MapGet("/findings", async (MedGuardDbContext db, FindingService findings, Guid? institution, Guid? asset, Guid? system, string? detector, string? severity,
            string? status, bool? overdue, Guid? campaign, string? found, int? page, int? pageSize) =>
        {
            var filter = new FindingFilter
            {
                Institution = institution,
                Asset = asset,
                System = system,
                Detector = detector,
                Severity = string.IsNullOrWhiteSpace(severity) ? null : SeverityNames.Parse(severity),
                Status = string.IsNullOrWhiteSpace(status) ? null : FindingStatusNames.Parse(status),
                Overdue = overdue == true,
                Campaign = campaign,
                Found = string.IsNullOrWhiteSpace(found) ? null
                    : Enum.TryParse<CampaignFinding>(found, ignoreCase: true, out var f) ? f
                    : throw new FormatException($"未知的 found '{found}'（可选：new、fixed、stillopen）"),
            };
            var size = Math.Clamp(pageSize ?? 50, 1, 500);
            var (total, rows) = await findings.ListAsync(db, filter, page ?? 1, size);
            return Results.Ok(new FindingPage(total, Math.Max(1, page ?? 1), size, [.. rows.Select(FindingSummary.Of)]));
        }).WithSummary("检测发现列表（筛选：机构、资产、定级对象、检测器、严重程度、状态、逾期、检测任务计划 campaign 及其结果 found=new/fixed/stillopen；分页）");
        api.MapGet("/findings/{id:guid}", async (Guid id, HttpContext http, MedGuardDbContext db, FindingService findings) =>
        {
            var detail = await findings.DetailAsync(db, id, http);
            return Results.Ok(FindingDetailView.Of(detail, FindingService.ActionsFor(detail.Finding, http.User)));
        }).WithSummary("检测发现详情（证据已脱敏，读取记入审计）");
        api.MapPost("/findings/{id:guid}/status", async (Guid id, FindingStatusRequest body, HttpContext http, MedGuardDbContext db, FindingService findings) =>
        {
            var action = FindingActionNames.Parse(body.Action);
            PlatformApi.Require(FindingService.RoleMay(action, http.User));
            var change = await findings.MoveAsync(db, id, action, body.Reason, body.Until, http.User);
            return Results.Ok(new FindingStatusChangeView(change.From?.ToChinese(), change.To.ToChinese(), change.At, change.ByName, change.Reason));
        }).WithSummary("检测发现状态变更：confirm 确认 / start-rectification 开始整改 / mark-fixed 标记已修复 / accept-risk 风险接受（until、reason，仅监管部门或测评机构）/ false-positive 误报（reason，仅监管部门或测评机构）/ reopen 重新打开（reason）");
    }

    private static async Task<IResult> ImportAsync(HttpContext http, FindingService findings, Guid? institution)
    {
        PlatformApi.Require(FindingService.CanImport(http.User));
        var runs = new List<(string Name, DetectionRun Run)>();
        try
        {
            if (http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync();
                if (form.Files.Count == 0)
                {
                    return Results.Problem("请上传检测运行 JSON 文件（表单字段 file）", statusCode: StatusCodes.Status400BadRequest);
                }

                foreach (var file in form.Files)
                {
                    await using var stream = file.OpenReadStream();
                    runs.Add((file.FileName, await ReadNamedAsync(stream, file.FileName)));
                }
            }
            else
            {
                runs.Add(("请求体", await FindingService.ReadRunAsync(http.Request.Body, http.RequestAborted)));
            }
        }
        catch (DetectionRunFormatException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        var imported = new List<FindingImportSummary>();
        foreach (var (name, run) in runs)
        {
            try
            {
                imported.Add(await findings.ImportAsync(http, run, institution));
            }
            catch (FindingImportException ex)
            {
                var before = imported.Count == 0 ? "" : $"（此前的 {imported.Count} 个运行已导入）";
                var message = runs.Count == 1 ? ex.Message : $"{name}：{ex.Message}{before}";
                return Results.Problem(message, statusCode: ex.AlreadyImported ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
            }
        }

        return Results.Ok(imported);
    }

    private static async Task<DetectionRun> ReadNamedAsync(Stream stream, string name)
    {
        try
        {
            return await FindingService.ReadRunAsync(stream);
        }
        catch (DetectionRunFormatException ex)
        {
            throw new DetectionRunFormatException($"{name}：{ex.Message}", ex);
        }
    }
}

public sealed record FindingStatusRequest(string Action, string? Reason = null, DateOnly? Until = null);

public sealed record FindingStatusChangeView(string? From, string To, DateTimeOffset At, string By, string? Reason);

public sealed record FindingPage(int Total, int Page, int PageSize, IReadOnlyList<FindingSummary> Items);

public sealed record FindingSummary(
    Guid Id, Guid InstitutionId, string Institution, Guid AssetId, string Asset, Guid? SystemId, string Detector, string RuleId, string Title, string Severity,
    string Status, string Target, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateOnly? DueOn, bool Overdue)
{
    public static FindingSummary Of(FindingRow r) => new(
        r.Id, r.InstitutionId, r.Institution, r.AssetId, r.Asset, r.SystemId, r.Detector, r.RuleId, r.Title, r.Severity.ToChinese(), r.Status.ToChinese(), r.Target,
        r.FirstSeenAt, r.LastSeenAt, r.DueOn, r.Overdue);
}

public sealed record FindingDetailView(
    FindingSummary Finding, string? Cwe, string? Remediation, string? StatusReason, DateOnly? AcceptedUntil, int ReopenCount,
    IReadOnlyList<StandardRefView> StandardRefs, IReadOnlyList<HighRiskCaseView> HighRiskCases, IReadOnlyList<string> Locations,
    IReadOnlyDictionary<string, string> Evidence, IReadOnlyList<FindingSightingView> Sightings, IReadOnlyList<FindingStatusChangeView> History,
    Guid? RectificationId, IReadOnlyList<string> Actions)
{
    public static FindingDetailView Of(FindingDetail d, IReadOnlyList<FindingAction> actions)
    {
        var f = d.Finding;
        return new(
            new FindingSummary(f.Id, f.InstitutionId, d.Institution, f.AssetId, d.Asset?.Value ?? "", f.SystemId, f.Detector, f.RuleId, f.Title, f.Severity.ToChinese(),
                f.Status.ToChinese(), f.TargetDisplay, f.FirstSeenAt, f.LastSeenAt, f.DueOn, d.Overdue),
            f.Cwe, f.Remediation, f.StatusReason, f.AcceptedUntil, f.ReopenCount, d.StandardRefs, d.HighRiskCases, d.Locations, d.Evidence, d.Sightings,
            [.. d.History.Select(c => new FindingStatusChangeView(c.From?.ToChinese(), c.To.ToChinese(), c.At, c.ByName, c.Reason))],
            d.Rectification?.Id, [.. actions.Select(a => a.Code())]);
    }
}
