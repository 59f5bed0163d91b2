using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Server.Hosting;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Systems;

/// <summary>
/// 新增定级对象: a new protected system of one institution. A hospital user creates only in its own institution (the
/// tenant scope's save guard refuses any other); a user who sees several institutions picks one from a list.
/// </summary>
public sealed class NewModel(MedGuardDbContext db) : PageModel
{
    public sealed record InstitutionChoice(Guid Id, string Name);

    public sealed class Input
    {
        public string? Name { get; set; }

        public GradingObjectType Type { get; set; } = GradingObjectType.InformationSystem;

        public BusinessKind Business { get; set; } = BusinessKind.Other;

        public bool IsCore { get; set; }

        public bool InternetFacing { get; set; }

        public Guid? InstitutionId { get; set; }
    }

    [BindProperty]
    public Input Form { get; set; } = new();

    /// <summary>Institutions to choose from; empty when the user has exactly one (its own).</summary>
    public IReadOnlyList<InstitutionChoice> Institutions { get; private set; } = [];

    public string? OwnInstitution { get; private set; }

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? institution)
    {
        if (!User.CanEditInventory())
        {
            return Forbid();
        }

        Form.InstitutionId = institution;
        await LoadChoicesAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!User.CanEditInventory())
        {
            return Forbid();
        }

        await LoadChoicesAsync();
        var input = new NewSystem(Form.Name, Form.Type, Form.Business, Form.IsCore, Form.InternetFacing);
        Errors.AddRange(InventoryService.Check(input));

        // A hospital user's institution comes from its account, never from the form.
        var institutionId = User.Role() == UserRole.InstitutionStaff && Guid.TryParse(User.FindFirst(ClaimNames.Institution)?.Value, out var own)
            ? own
            : Form.InstitutionId;
        if (institutionId is not { } target || !await db.Institutions.AnyAsync(i => i.Id == target))
        {
            Errors.Add("请选择所属医疗机构");
        }

        if (Errors.Count > 0)
        {
            return Page();
        }

        var system = await InventoryService.AddSystemAsync(db, institutionId!.Value, input);
        TempData["Flash"] = $"已新增定级对象“{system.Name}”，下一步：定级";
        return Redirect($"/systems/{system.Id}");
    }

    private async Task LoadChoicesAsync()
    {
        var all = await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new InstitutionChoice(i.Id, i.Name)).ToListAsync();
        if (all.Count == 1)
        {
            OwnInstitution = all[0].Name;
            Form.InstitutionId = all[0].Id;
        }
        else
        {
            Institutions = all;
        }
    }
}
