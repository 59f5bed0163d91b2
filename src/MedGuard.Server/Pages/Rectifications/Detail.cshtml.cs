using MedGuard.Domain.Assessment;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Rectifications;

public sealed class DetailModel(MedGuardDbContext db, LifecycleService lifecycle, SensitiveFields sensitive) : PageModel
{
    public RectificationItem Item { get; private set; } = null!;

    public string? FixEvidence { get; private set; }

    public bool Overdue => Item.Status is RectificationStatus.Open or RectificationStatus.InProgress && Item.DueOn < lifecycle.Today;

    public bool CanRectify => User.CanRectify();

    public bool CanRetest => User.CanRetest();

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (Item.FixEvidence is not null)
        {
            await sensitive.RecordReadAsync(HttpContext, "RectificationItem", id.ToString(), "查看整改证据");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? owner, DateOnly? dueOn, RectificationStatus status, string? fixEvidence, DateOnly? retestedOn, string? retestNote)
    {
        if (!CanRectify && !CanRetest)
        {
            return Forbid();
        }

        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (CanRectify)
        {
            Item.Owner = owner?.Trim();
            Item.DueOn = dueOn;
            if (fixEvidence is not null && fixEvidence != FixEvidence)
            {
                Item.FixEvidence = sensitive.Seal(fixEvidence.Trim(), SensitiveFields.FixEvidence);
            }

            if (status == RectificationStatus.Fixed && Item.FixedOn is null)
            {
                Item.FixedOn = lifecycle.Today;
            }
        }

        if (CanRetest)
        {
            Item.RetestedOn = retestedOn;
            Item.RetestNote = retestNote?.Trim();
            Item.RetestPassed = retestedOn is null ? null : status == RectificationStatus.Verified;
        }

        // Only an assessor (or admin) may declare a re-test passed; an institution may not verify its own fix.
        if (status == RectificationStatus.Verified && !CanRetest)
        {
            Message = "复测通过须由测评机构确认";
            return Page();
        }

        Item.Status = status;
        await db.SaveChangesAsync();
        return Redirect($"/rectifications/{id}");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var task = await db.Rectifications.FirstOrDefaultAsync(r => r.Id == id);
        if (task is null)
        {
            return false;
        }

        Item = task;
        FixEvidence = sensitive.Open(task.FixEvidence, SensitiveFields.FixEvidence);
        return true;
    }
}
