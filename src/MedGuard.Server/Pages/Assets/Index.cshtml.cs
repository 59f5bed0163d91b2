using MedGuard.Domain.Inventory;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using MedGuard.Storage.Inventory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Assets;

/// <summary>资产: the assets in the user's scope per institution, with their authorization state and open findings; filtered and paged.</summary>
public sealed class IndexModel(MedGuardDbContext db, AssetService assets) : PagedListPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Institution { get; set; }

    [BindProperty(SupportsGet = true)]
    public AssetKind? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<AssetRow> Rows { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Institutions { get; private set; } = [];

    /// <summary>候选资产（来自 App）: servers the institution's apps talk to, waiting for a person (issue 18 §5).</summary>
    public IReadOnlyList<CandidateRow> Candidates { get; private set; } = [];

    public string Scope { get; private set; } = "";

    public bool CanRegister => AssetService.CanRegister(User);

    public string PageLink(int page) =>
        $"/assets?institution={Institution}&kind={Kind}&q={Uri.EscapeDataString(Q ?? "")}&p={page}";

    public async Task OnGetAsync()
    {
        Scope = await ScopeTitle.DescribeAsync(db);
        PageNumber = Math.Max(1, PageNumber);
        var (total, rows) = await assets.ListAsync(db, new AssetFilter(Institution, null, Kind, Q), PageNumber, PageSize);
        Rows = rows;
        SetTotal(total);
        Institutions = [.. (await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new { i.Id, i.Name }).Take(500).ToListAsync()).Select(i => (i.Id, i.Name))];
        Candidates = await AppEndpointCandidates.ListAsync(db, Institution, limit: 200);
    }

    /// <summary>忽略 a candidate, with the reason; another tenant's is 404.</summary>
    public async Task<IActionResult> OnPostDismissAsync(Guid candidate, string? reason)
    {
        if (!CanRegister)
        {
            return Forbid();
        }

        var back = $"/assets{(Institution is { } i ? "?institution=" + i : "")}";
        try
        {
            var dismissed = await assets.DismissCandidateAsync(db, User, candidate, reason);
            return this.RedirectWithFlash(back, flash: $"已忽略候选资产 {dismissed.Origin}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (AssetRegistrationException ex)
        {
            return this.RedirectWithFlash(back, error: ex.Message);
        }
    }
}
