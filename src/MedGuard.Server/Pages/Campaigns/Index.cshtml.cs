using MedGuard.Server.Campaigns;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Campaigns;

/// <summary>检测任务: the campaigns the user's scope shows (the tenant filter decides), and the "stop all" switch of its role.</summary>
public sealed class IndexModel(MedGuardDbContext db, CampaignActions actions) : PageModel
{
    public IReadOnlyList<CampaignSummary> Rows { get; private set; } = [];

    public IReadOnlyList<StopView> Stops { get; private set; } = [];

    public StopReach Reach => CampaignActions.ReachOf(User);

    public string Scope { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!CampaignActions.MayRun(User))
        {
            return Forbid();
        }

        Scope = await ScopeTitle.DescribeAsync(db);
        Rows = await actions.Service.ListAsync(db);
        Stops = await CampaignActions.ActiveStopsAsync(db);
        return Page();
    }

    /// <summary>一键停止: the platform-wide switch (administrator) or every institution of the region (regulator).</summary>
    public async Task<IActionResult> OnPostStopAllAsync(string? reason)
    {
        if (!CampaignActions.MayRun(User) || Reach == StopReach.None)
        {
            return Forbid();
        }

        try
        {
            var held = await actions.SetStopAsync(db, HttpContext, null, reason);
            return this.RedirectWithFlash("/campaigns", flash: Reach == StopReach.Global ? "已设置全局停止开关：全部检测暂停" : $"已停止本辖区 {held.Count} 个机构的检测");
        }
        catch (CampaignException ex)
        {
            return this.RedirectWithFlash("/campaigns", error: ex.Message);
        }
    }

    public async Task<IActionResult> OnPostClearAllAsync()
    {
        if (!CampaignActions.MayRun(User) || Reach == StopReach.None)
        {
            return Forbid();
        }

        var cleared = await actions.ClearStopAsync(db, HttpContext, null);
        return this.RedirectWithFlash("/campaigns", flash: Reach == StopReach.Global ? (cleared > 0 ? "已解除全局停止开关" : "全局停止开关本未设置") : $"已解除本辖区 {cleared} 个停止开关");
    }
}
