using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Systems;

public sealed class DetailModel(MedGuardDbContext db, LifecycleService lifecycle) : PageModel
{
    public ProtectedSystem System { get; private set; } = null!;

    public ObligationSchedule? Schedule { get; private set; }

    public DateOnly Today => lifecycle.Today;

    public bool CanEdit => User.CanEditInventory();

    public bool CanAssess => User.CanAssess();

    public string? Message { get; private set; }

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

        Message = TempData["message"] as string;
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
            return $"备案已保存，备案证明有效期至 {filing.CertificateValidUntil:yyyy-MM-dd}";
        });
    }

    /// <summary>专家评审 and 主管部门核准: the two steps between grading and filing for level 2 and above.</summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid id, DateOnly? expertReviewedOn, DateOnly? supervisorApprovedOn)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        return await RunAsync(id, async () =>
        {
            var system = await lifecycle.LoadSystemAsync(db, id);
            var grading = system.Grading ?? throw new LifecycleException("请先完成定级");
            foreach (var date in new[] { expertReviewedOn, supervisorApprovedOn })
            {
                if (date is { } d && (d < grading.GradedOn || d > lifecycle.Today))
                {
                    throw new LifecycleException("评审和核准日期应在定级日期与今天之间");
                }
            }

            grading.ExpertReviewed = expertReviewedOn is not null;
            grading.ExpertReviewedOn = expertReviewedOn;
            grading.SupervisorApproved = supervisorApprovedOn is not null;
            grading.SupervisorApprovedOn = supervisorApprovedOn;
            await db.SaveChangesAsync();
            return "已记录专家评审与主管部门核准";
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
            Guid? agencyId = User.Role() == UserRole.AgencyStaff && Guid.TryParse(User.FindFirst(ClaimNames.Agency)?.Value, out var a) ? a : null;
            var agencyName = agencyId is { } aid ? await db.Agencies.Where(g => g.Id == aid).Select(g => g.Name).FirstOrDefaultAsync() : null;
            var assessment = await lifecycle.StartAssessmentAsync(db, id, assessedOn, template, agencyId, agencyName);
            return Redirect($"/assessments/{assessment.Id}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            await LoadAsync(id);
            Error = ex.Message;
            return Page();
        }
    }

    private async Task<IActionResult> RunAsync(Guid id, Func<Task<string>> action)
    {
        try
        {
            TempData["message"] = await action();
            return Redirect($"/systems/{id}");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (LifecycleException ex)
        {
            db.ChangeTracker.Clear();
            await LoadAsync(id);
            Error = ex.Message;
            return Page();
        }
    }

    private async Task LoadAsync(Guid id)
    {
        System = await lifecycle.LoadSystemAsync(db, id);
        Schedule = lifecycle.Schedule(System);
    }
}
