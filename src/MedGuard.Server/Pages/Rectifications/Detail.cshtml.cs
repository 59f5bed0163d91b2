using MedGuard.Domain.Assessment;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Rectifications;

/// <summary>
/// One rectification task. The hospital reports progress and asks for a later deadline (整改延期申请); the regulator of
/// its region, or the agency whose assessment found the shortfall, decides; 复测 is the assessor's (the regulator's
/// when no agency found it). Every POST redirects back with its outcome.
/// </summary>
public sealed class DetailModel(MedGuardDbContext db, LifecycleService lifecycle, SensitiveFields sensitive) : PageModel
{
    public RectificationItem Item { get; private set; } = null!;

    public string? FixEvidence { get; private set; }

    public IReadOnlyList<DeadlineExtensionRequest> Extensions { get; private set; } = [];

    /// <summary>The detection findings this task came from (issue 12 §5), when a run created or linked it.</summary>
    public IReadOnlyList<MedGuard.Domain.Findings.FindingRecord> SourceFindings { get; private set; } = [];

    /// <summary>When a later run no longer saw the finding: the day it proposed the task for 复测通过 (the assessor confirms).</summary>
    public string? RetestProposal { get; private set; }

    public bool Overdue => Item.Status is RectificationStatus.Open or RectificationStatus.InProgress && Item.DueOn < lifecycle.Today;

    public DateOnly Today => lifecycle.Today;

    public bool CanRectify => User.CanRectify();

    public bool CanRetest { get; private set; }

    public bool CanDecide { get; private set; }

    public bool CanRequestExtension => db.Scope.Kind == MedGuard.Storage.Tenancy.TenantKind.Institution
        && !RectificationItem.IsClosed(Item.Status) && Extensions.All(e => e.Status != ExtensionStatus.Pending);

    public string? Error { get; private set; }

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

        Error = TempData["Error"] as string;
        return Page();
    }

    /// <summary>The hospital's progress: owner, status (never 复测通过), fix evidence. The deadline is not here.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, string? owner, RectificationStatus status, string? fixEvidence)
    {
        if (!CanRectify)
        {
            return Forbid();
        }

        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (status == RectificationStatus.Verified)
        {
            return Back(id, error: "复测通过须由测评机构确认（无测评机构时由监管部门确认）");
        }

        Item.Owner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim()[..Math.Min(owner.Trim().Length, 100)];
        if (fixEvidence is not null && fixEvidence != FixEvidence)
        {
            Item.FixEvidence = sensitive.Seal(fixEvidence.Trim(), SensitiveFields.FixEvidence);
        }

        if (status == RectificationStatus.Fixed && Item.FixedOn is null)
        {
            Item.FixedOn = lifecycle.Today;
        }

        Item.Status = status;
        await db.SaveChangesAsync();
        return Back(id, flash: "整改进展已保存");
    }

    /// <summary>复测: passed (复测通过) or not (back to 整改中), by the assessor or, without an agency, the regulator.</summary>
    public async Task<IActionResult> OnPostRetestAsync(Guid id, DateOnly? retestedOn, bool passed, string? retestNote)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (!CanRetest)
        {
            return Forbid();
        }

        if (retestedOn is not { } on || on > lifecycle.Today)
        {
            return Back(id, error: "请填写复测日期（不能晚于今天）");
        }

        Item.RetestedOn = on;
        Item.RetestPassed = passed;
        Item.RetestNote = string.IsNullOrWhiteSpace(retestNote) ? null : retestNote.Trim()[..Math.Min(retestNote.Trim().Length, 500)];
        Item.Status = passed ? RectificationStatus.Verified : RectificationStatus.InProgress;
        await db.SaveChangesAsync();
        return Back(id, flash: passed ? "已记录复测通过" : "已记录复测未通过，任务回到整改中");
    }

    /// <summary>整改延期申请 (the hospital).</summary>
    public async Task<IActionResult> OnPostExtendAsync(Guid id, DateOnly? requestedDueOn, string? reason)
    {
        if (!CanRectify)
        {
            return Forbid();
        }

        try
        {
            if (requestedDueOn is not { } date)
            {
                throw new LifecycleException("请填写申请的新期限");
            }

            await lifecycle.RequestExtensionAsync(db, id, date, reason, User.DisplayName());
            return Back(id, flash: "延期申请已提交，等待审批；批准前期限不变");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            return Back(id, error: ex.Message);
        }
    }

    /// <summary>Approves or refuses an extension (the regulator, or the agency of the finding).</summary>
    public async Task<IActionResult> OnPostDecideAsync(Guid id, Guid requestId, bool approve, string? note)
    {
        try
        {
            var request = await lifecycle.DecideExtensionAsync(db, requestId, approve, note, User.DisplayName());
            return Back(id, flash: approve ? $"已批准延期，新期限 {request.RequestedDueOn:yyyy-MM-dd}" : "已驳回延期申请");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            return Back(id, error: ex.Message);
        }
    }

    private RedirectResult Back(Guid id, string? flash = null, string? error = null) => this.RedirectWithFlash($"/rectifications/{id}", flash, error);

    private async Task<bool> LoadAsync(Guid id)
    {
        var task = await db.Rectifications.FirstOrDefaultAsync(r => r.Id == id);
        if (task is null)
        {
            return false;
        }

        Item = task;
        FixEvidence = sensitive.Open(task.FixEvidence, SensitiveFields.FixEvidence);
        Extensions = await db.ExtensionRequests.AsNoTracking().Where(e => e.RectificationId == id).OrderByDescending(e => e.RequestedAt).ToListAsync();
        SourceFindings = await db.Findings.AsNoTracking()
            .Where(f => f.RectificationItemId == id || (task.FindingFingerprint != null && f.SystemId == task.SystemId && f.Fingerprint == task.FindingFingerprint))
            .OrderByDescending(f => f.LastSeenAt).Take(20).ToListAsync();
        RetestProposal = task.RetestProposedOn is { } proposed && task.Status is not (RectificationStatus.Verified or RectificationStatus.Accepted)
            ? $"{proposed:yyyy-MM-dd} 的检测运行覆盖了该目标且未再发现，已提请复测通过，待测评机构确认（确认后记为复测通过）"
            : null;
        CanRetest = await LifecycleService.CanRetestAsync(db, task);
        CanDecide = await LifecycleService.CanDecideExtensionAsync(db, task);
        return true;
    }
}
