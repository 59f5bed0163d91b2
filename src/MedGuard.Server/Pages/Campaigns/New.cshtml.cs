using System.Globalization;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Server.Campaigns;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Campaigns;

/// <summary>
/// 新建检测任务: scope (institutions, a 行政区划 code, asset kinds) × detectors × schedule (立即 / 定时一次 / cron in
/// Beijing time) × budgets and light settings. A refusal shows beside the form with what the user typed kept.
/// </summary>
public sealed class NewModel(MedGuardDbContext db, CampaignActions actions) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<Guid> InstitutionIds { get; set; } = [];

    [BindProperty]
    public string? Region { get; set; }

    [BindProperty]
    public List<string> AssetKinds { get; set; } = [];

    [BindProperty]
    public List<string> Detectors { get; set; } = [];

    [BindProperty]
    public CampaignScheduleKind Schedule { get; set; } = CampaignScheduleKind.Now;

    /// <summary>定时一次: a datetime-local value, read as Beijing time.</summary>
    [BindProperty]
    public string? RunAt { get; set; }

    [BindProperty]
    public string? Cron { get; set; }

    [BindProperty]
    public int? GlobalConcurrency { get; set; } = 4;

    [BindProperty]
    public string? Window { get; set; }

    [BindProperty]
    public int? MaxTaskMinutes { get; set; } = 60;

    [BindProperty]
    public int? MaxRoundMinutes { get; set; }

    [BindProperty]
    public string? Ports { get; set; } = "top100";

    [BindProperty]
    public int? WebMaxPages { get; set; } = 50;

    public IReadOnlyList<(Guid Id, string Name, string Region)> Institutions { get; private set; } = [];

    public bool IsInstitution => db.Scope.Kind == TenantKind.Institution;

    public string? Error { get; private set; }

    /// <summary>The form field the refusal is about (its message shows under it too).</summary>
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!CampaignActions.MayRun(User))
        {
            return Forbid();
        }

        // Defaults set here, not as initializers: a POST with every box unticked must bind to nothing.
        Detectors = ["ports", "web"];
        if (db.Scope.Kind == TenantKind.Regulator)
        {
            Region = db.Scope.Region;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CampaignActions.MayRun(User))
        {
            return Forbid();
        }

        try
        {
            var input = new CampaignInput
            {
                Name = Name,
                Scope = new CampaignScopeInput { InstitutionIds = InstitutionIds, Region = Region, AssetKinds = AssetKinds },
                Detectors = Detectors,
                Schedule = Schedule.ToString(),
                RunAt = Schedule == CampaignScheduleKind.Once ? ParseRunAt(RunAt) : null,
                Cron = Schedule == CampaignScheduleKind.Cron ? Cron : null,
                GlobalConcurrency = GlobalConcurrency ?? throw new CampaignException("请填写全局并发数"),
                Window = Window,
                MaxTaskSeconds = (MaxTaskMinutes ?? throw new CampaignException("请填写单个子任务最长时间")) * 60,
                MaxRoundSeconds = MaxRoundMinutes * 60,
                Ports = Ports,
                WebMaxPages = WebMaxPages ?? throw new CampaignException("请填写网站检测的页面上限"),
            };
            var campaign = await actions.CreateAsync(db, HttpContext, input);
            var when = campaign.ScheduleKind == CampaignScheduleKind.Now ? "立即开始（检测引擎下一次调度时生成子任务）" : $"首次运行 {ChinaTime.Minutes(campaign.NextRunAt!.Value.UtcDateTime)}";
            return this.RedirectWithFlash($"/campaigns/{campaign.Id}", flash: $"已创建检测任务计划「{campaign.Name}」：{when}");
        }
        catch (CampaignException ex)
        {
            Error = ex.Message;
            ErrorField = FieldOf(ex.Message);
        }
        catch (KeyNotFoundException)
        {
            Error = "所选机构或资产不存在或不在您的管辖范围内";
            ErrorField = "scope";
        }

        await LoadAsync();
        return Page();
    }

    /// <summary>The message under a field when the refusal is about it.</summary>
    public string? ErrorFor(string field) => ErrorField == field ? Error : null;

    private static DateTimeOffset ParseRunAt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CampaignException("定时一次的计划必须给出开始时间");
        }

        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"];
        return DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, ChinaStandardTime.Offset)
            : throw new CampaignException($"开始时间 '{text}' 无法识别（应为北京时间 yyyy-MM-dd HH:mm）");
    }

    // Which field a service refusal is about, from its wording (the service speaks in sentences, not field names).
    private static string? FieldOf(string message) => message switch
    {
        _ when message.Contains("cron", StringComparison.OrdinalIgnoreCase) || message.Contains("周期计划", StringComparison.Ordinal) => "cron",
        _ when message.Contains("开始时间", StringComparison.Ordinal) => "runAt",
        _ when message.Contains("名称", StringComparison.Ordinal) => "name",
        _ when message.Contains("检测范围", StringComparison.Ordinal) || message.Contains("行政区划", StringComparison.Ordinal) || message.Contains("资产类型", StringComparison.Ordinal) => "scope",
        _ when message.Contains("检测类型", StringComparison.Ordinal) || message.Contains("至少选择一种检测", StringComparison.Ordinal) => "detectors",
        _ when message.Contains("全局并发", StringComparison.Ordinal) => "concurrency",
        _ when message.Contains("检测时段", StringComparison.Ordinal) => "window",
        _ when message.Contains("单个子任务", StringComparison.Ordinal) => "maxTask",
        _ when message.Contains("每轮最长", StringComparison.Ordinal) => "maxRound",
        _ when message.Contains("端口", StringComparison.Ordinal) => "ports",
        _ when message.Contains("页面上限", StringComparison.Ordinal) => "webMaxPages",
        _ => null,
    };

    private async Task LoadAsync()
    {
        var rows = await db.Institutions.AsNoTracking().OrderBy(i => i.Region).ThenBy(i => i.Name).Select(i => new { i.Id, i.Name, i.Region }).Take(5000).ToListAsync();
        Institutions = [.. rows.Select(i => (i.Id, i.Name, i.Region))];
    }

    public static IReadOnlyList<AssetKind> KindsOffered { get; } = [AssetKind.Ip, AssetKind.Origin, AssetKind.App];
}
