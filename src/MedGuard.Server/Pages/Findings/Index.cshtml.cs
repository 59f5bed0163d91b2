using MedGuard.Domain.Findings;
using MedGuard.Server.Findings;
using MedGuard.Storage;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Findings;

/// <summary>检测发现: every stored finding the user's scope shows (the tenant filter decides), filtered and paged.</summary>
public sealed class IndexModel(MedGuardDbContext db, FindingService findings) : PagedListPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Institution { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Asset { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? System { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Detector { get; set; }

    [BindProperty(SupportsGet = true)]
    public Severity? Severity { get; set; }

    [BindProperty(SupportsGet = true)]
    public FindingStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    /// <summary>From a campaign's page: only what its runs found (with <see cref="Found"/>: new, fixed or still open).</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Campaign { get; set; }

    [BindProperty(SupportsGet = true)]
    public CampaignFinding? Found { get; set; }

    public string? CampaignName { get; private set; }

    public IReadOnlyList<FindingRow> Rows { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Institutions { get; private set; } = [];

    /// <summary>The asset or system filtered on, named (they have no select of their own).</summary>
    public string? AssetName { get; private set; }

    public string? SystemName { get; private set; }

    public string Scope { get; private set; } = "";

    public bool CanImport => FindingService.CanImport(User);

    public FindingFilter Filter => new()
    {
        Institution = Institution,
        Asset = Asset,
        System = System,
        Detector = Detector,
        Severity = Severity,
        Status = Status,
        Overdue = Overdue,
        Campaign = Campaign,
        Found = Found,
    };

    /// <summary>The list's link for page <paramref name="page"/> with the current filters.</summary>
    public string PageLink(int page) => $"/findings?{Filter.ToQuery()}&p={page}";

    public async Task OnGetAsync()
    {
        Scope = await ScopeTitle.DescribeAsync(db);
        PageNumber = Math.Max(1, PageNumber);
        var (total, rows) = await findings.ListAsync(db, Filter, PageNumber, PageSize);
        Rows = rows;
        SetTotal(total);
        Institutions = [.. (await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new { i.Id, i.Name }).Take(500).ToListAsync()).Select(i => (i.Id, i.Name))];
        if (Asset is { } asset)
        {
            AssetName = await db.Assets.AsNoTracking().Where(a => a.Id == asset).Select(a => a.Value).FirstOrDefaultAsync() ?? "（不可见的资产）";
        }

        if (Campaign is { } campaign)
        {
            CampaignName = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaign).Select(c => c.Name).FirstOrDefaultAsync() ?? "（不可见的检测任务计划）";
        }

        if (System is { } system)
        {
            SystemName = await db.Systems.AsNoTracking().Where(s => s.Id == system).Select(s => s.Name).FirstOrDefaultAsync() ?? "（不可见的定级对象）";
        }
    }
}
