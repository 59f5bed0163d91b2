using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Server.Auditing;
using MedGuard.Server.Findings;
using MedGuard.Server.Hosting;
using MedGuard.Server.Inventory;
using MedGuard.Server.Lifecycle;
using MedGuard.Server.Pages.Findings;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Institutions;

public sealed class DetailModel(MedGuardDbContext db, SensitiveFields sensitive, InventoryService inventory, FindingService findings) : PageModel
{
    /// <summary>The institution's findings, counted (the list is one link away).</summary>
    public FindingCountsView Findings { get; private set; } = null!;

    /// <summary>Its assets (资产), the first few; <see cref="AssetCount"/> says how many.</summary>
    public IReadOnlyList<Asset> Assets { get; private set; } = [];

    public int AssetCount { get; private set; }

    public Institution Institution { get; private set; } = null!;

    public Dictionary<Guid, string?>? RevealedPhones { get; private set; }

    /// <summary>TempData key: which institution's phones the next page shows (an id only, never the numbers).</summary>
    private const string RevealKey = "RevealPhones";

    public bool CanEdit => User.CanEditInventory();

    public string? Message { get; private set; }

    [BindProperty]
    public InstitutionSurvey Survey { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        // The reveal was asked for (and audited) by the POST; the page after its redirect shows the phones once.
        if (TempData[RevealKey] is Guid revealed && revealed == id)
        {
            RevealedPhones = Institution.Contacts.ToDictionary(c => c.Id, c => sensitive.Open(c.Phone, SensitiveFields.ContactPhone));
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSurveyAsync(Guid id)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        try
        {
            await inventory.SaveSurveyAsync(db, Institution, Survey);
        }
        catch (LifecycleException ex)
        {
            Message = ex.Message;
            return Page();
        }

        TempData["Flash"] = "调查信息已保存";
        return Redirect($"/institutions/{id}");
    }

    public async Task<IActionResult> OnPostRevealAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        await sensitive.RecordReadAsync(HttpContext, "Institution", id.ToString(), "查看联系人电话");
        TempData[RevealKey] = id;
        return Redirect($"/institutions/{id}");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var institution = await db.Institutions
            .Include(i => i.Contacts)
            .Include(i => i.Systems).ThenInclude(s => s.Grading)
            .Include(i => i.Systems).ThenInclude(s => s.Filing)
            .Include(i => i.Systems).ThenInclude(s => s.Assessments)
            .AsSplitQuery()
            .FirstOrDefaultAsync(i => i.Id == id);
        if (institution is null)
        {
            return false;
        }

        Institution = institution;
        Findings = new FindingCountsView(await findings.CountAsync(db, f => f.InstitutionId == id), $"institution={id}", "institution-findings");
        AssetCount = await db.Assets.CountAsync(a => a.InstitutionId == id);
        Assets = await db.Assets.AsNoTracking().Where(a => a.InstitutionId == id).OrderBy(a => a.Kind).ThenBy(a => a.Value).Take(20).ToListAsync();
        return true;
    }
}
