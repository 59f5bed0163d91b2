using MedGuard.Server.Campaigns;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Campaigns;

/// <summary>
/// One campaign: overall and per-institution progress of its latest round, the estimated end, failures with their
/// reasons, its rounds, links to what it found per institution, and 取消 / 重试失败任务 / the stop switches. Every
/// POST redirects back with its outcome; another tenant's campaign is a 404.
/// </summary>
public sealed class DetailModel(MedGuardDbContext db, CampaignActions actions) : PageModel
{
    public CampaignProgress Progress { get; private set; } = null!;

    public IReadOnlyList<StopView> Stops { get; private set; } = [];

    public StopReach Reach => CampaignActions.ReachOf(User);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!CampaignActions.MayRun(User))
        {
            return Forbid();
        }

        if (await actions.Service.GetAsync(db, id) is not { } progress)
        {
            return NotFound();
        }

        Progress = progress;
        Stops = await CampaignActions.ActiveStopsAsync(db);
        return Page();
    }

    public Task<IActionResult> OnPostCancelAsync(Guid id) => ActAsync(id, async () =>
        $"已取消，{await actions.CancelAsync(db, HttpContext, id)} 个未完成的子任务已停止");

    public Task<IActionResult> OnPostRetryAsync(Guid id) => ActAsync(id, async () =>
        $"{await actions.RetryFailedAsync(db, HttpContext, id)} 个失败的子任务已重新排队");

    /// <summary>One institution's stop switch.</summary>
    public Task<IActionResult> OnPostStopAsync(Guid id, Guid institution, string? reason) => ActAsync(id, async () =>
    {
        await actions.SetStopAsync(db, HttpContext, institution, reason);
        return "已停止该机构的检测";
    });

    public Task<IActionResult> OnPostResumeAsync(Guid id, Guid institution) => ActAsync(id, async () =>
        await actions.ClearStopAsync(db, HttpContext, institution) > 0 ? "已解除该机构的停止开关" : "该机构的停止开关本未设置");

    public Task<IActionResult> OnPostStopAllAsync(Guid id, string? reason) => Reach == StopReach.None ? Task.FromResult<IActionResult>(Forbid()) : ActAsync(id, async () =>
    {
        var held = await actions.SetStopAsync(db, HttpContext, null, reason);
        return Reach == StopReach.Global ? "已设置全局停止开关：全部检测暂停" : $"已停止本辖区 {held.Count} 个机构的检测";
    });

    public Task<IActionResult> OnPostClearAllAsync(Guid id) => Reach == StopReach.None ? Task.FromResult<IActionResult>(Forbid()) : ActAsync(id, async () =>
        $"已解除 {await actions.ClearStopAsync(db, HttpContext, null)} 个停止开关");

    private async Task<IActionResult> ActAsync(Guid id, Func<Task<string>> act)
    {
        if (!CampaignActions.MayRun(User))
        {
            return Forbid();
        }

        // Checked first: a POST on another tenant's campaign is the same 404 as its GET.
        if (!await db.Campaigns.AnyAsync(c => c.Id == id))
        {
            return NotFound();
        }

        try
        {
            return this.RedirectWithFlash($"/campaigns/{id}", flash: await act());
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (CampaignException ex)
        {
            return this.RedirectWithFlash($"/campaigns/{id}", error: ex.Message);
        }
    }
}
