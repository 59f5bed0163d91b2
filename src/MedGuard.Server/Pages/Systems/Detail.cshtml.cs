using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Server.Findings;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Server.Pages.Findings;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using MedGuard.Storage.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Systems;

/// <summary>
/// One system's lifecycle: grading, 专家评审 and 主管部门核准 (the hospital asks, the regulator decides), filing,
/// assessments and rectification. Every POST redirects back (post/redirect/get): the outcome travels in TempData.
/// </summary>
public sealed class DetailModel(MedGuardDbContext db, LifecycleService lifecycle, FindingService findings) : PageModel
{
    /// <summary>The findings on the system's assets, counted.</summary>
    public FindingCountsView Findings { get; private set; } = null!;

    /// <summary>The assets (资产) that serve this system.</summary>
    public IReadOnlyList<Asset> Assets { get; private set; } = [];

    public ProtectedSystem System { get; private set; } = null!;

    public ObligationSchedule? Schedule { get; private set; }

    public DateOnly Today => lifecycle.Today;

    public bool CanEdit => User.CanEditInventory();

    public bool CanAssess => User.CanAssess();

    public bool IsRegulator => User.Role() == UserRole.RegulatorStaff;

    public bool IsInstitution => db.Scope.Kind == TenantKind.Institution;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        try
        {
            await LoadAsync(id);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }

        Error = TempData["Error"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostFileAsync(Guid id, DateOnly filedOn, string? certificateNumber, string? policeOrgan, DateOnly? certificateIssuedOn)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        return await RunAsync(id, async () =>
        {
            var filing = await lifecycle.FileAsync(db, id, new FilingInput { FiledOn = filedOn, CertificateNumber = certificateNumber, PoliceOrgan = policeOrgan, CertificateIssuedOn = certificateIssuedOn });
            return filing.IsCertified
                ? $"备案已保存（已备案），备案证明有效期至 {filing.CertificateValidUntil:yyyy-MM-dd}"
                : "备案已提交；取得备案证明后请填写编号和签发日期";
        });
    }

    /// <summary>专家评审: the hospital records when and by whom its grading was reviewed.</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid id, DateOnly reviewedOn, string? reviewers)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        return await RunAsync(id, async () =>
        {
            await lifecycle.RecordExpertReviewAsync(db, id, reviewedOn, reviewers);
            return "已记录专家评审";
        });
    }

    /// <summary>申请主管部门核准 (the hospital).</summary>
    public async Task<IActionResult> OnPostRequestApprovalAsync(Guid id)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        return await RunAsync(id, async () =>
        {
            await lifecycle.RequestApprovalAsync(db, id);
            return "已申请主管部门核准，等待监管部门审批";
        });
    }

    /// <summary>主管部门核准 or its refusal (the regulator of the region).</summary>
    public async Task<IActionResult> OnPostApproveAsync(Guid id, bool approve, string? reason)
    {
        if (!IsRegulator)
        {
            return Forbid();
        }

        return await RunAsync(id, async () =>
        {
            await lifecycle.DecideApprovalAsync(db, id, approve, reason, User.DisplayName());
            return approve ? "已核准该定级" : "已作出不予核准的决定";
        });
    }

    public async Task<IActionResult> OnPostAssessAsync(Guid id, DateOnly assessedOn, string template)
    {
        if (!CanAssess)
        {
            return Forbid();
        }

        try
        {
            var assessment = await lifecycle.StartAssessmentAsync(db, id, assessedOn, template);
            TempData["Flash"] = assessment.Kind == MedGuard.Domain.Assessment.AssessmentKind.SelfInspection ? "已新建自查" : "已新建等级测评";
            return Redirect($"/assessments/{assessment.Id}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            TempData["Error"] = ex.Message;
            return Redirect($"/systems/{id}");
        }
    }

    private async Task<IActionResult> RunAsync(Guid id, Func<Task<string>> action)
    {
        try
        {
            TempData["Flash"] = await action();
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            TempData["Error"] = ex.Message;
        }

        return Redirect($"/systems/{id}");
    }

    private async Task LoadAsync(Guid id)
    {
        System = await lifecycle.LoadSystemAsync(db, id);
        Schedule = lifecycle.Schedule(System);
        Findings = new FindingCountsView(await findings.CountAsync(db, f => f.SystemId == id), $"system={id}", "system-findings");
        Assets = await db.Assets.AsNoTracking().Where(a => a.SystemId == id).OrderBy(a => a.Kind).ThenBy(a => a.Value).Take(50).ToListAsync();
    }
}
