using MedGuard.Domain.Findings;
using MedGuard.Server.Findings;
using MedGuard.Storage;
using MedGuard.Storage.Findings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Findings;

/// <summary>
/// One finding: its target, rule, references, masked evidence (the read is audited), the runs that saw it, its history
/// old → new, and the workflow actions the user's role may take. Every POST redirects back with its outcome.
/// </summary>
public sealed class DetailModel(MedGuardDbContext db, FindingService findings) : PageModel
{
    public FindingDetail Detail { get; private set; } = null!;

    public IReadOnlyList<FindingAction> Actions { get; private set; } = [];

    public DateOnly Today => findings.Today;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        try
        {
            Detail = await findings.DetailAsync(db, id, HttpContext);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        Actions = FindingService.ActionsFor(Detail.Finding, User);
        Error = TempData["Error"] as string;
        return Page();
    }

    /// <summary>One workflow action (<see cref="FindingActionNames.Code"/>), with its reason and, for 风险接受, its end date.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, string? action, string? reason, DateOnly? until)
    {
        FindingAction move;
        try
        {
            move = FindingActionNames.Parse(action);
        }
        catch (FormatException ex)
        {
            return Back(id, error: ex.Message);
        }

        if (!FindingService.RoleMay(move, User))
        {
            return Forbid();
        }

        try
        {
            var change = await findings.MoveAsync(db, id, move, reason, until, User);
            return Back(id, flash: $"已{move.ToChinese()}：{change.From?.ToChinese()} → {change.To.ToChinese()}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (FindingWorkflowException ex)
        {
            return Back(id, error: ex.Message);
        }
    }

    private RedirectResult Back(Guid id, string? flash = null, string? error = null) => this.RedirectWithFlash($"/findings/{id}", flash, error);
}
