using MedGuard.Domain.Assessment;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Admin;

[Authorize(Policy = Policies.Admin)]
public sealed class AssignmentsModel(MedGuardDbContext db, LifecycleService lifecycle) : PageModel
{
    public sealed record Row(Guid Id, string Agency, Guid SystemId, string System, string Institution, DateOnly AssignedOn, DateOnly? EndsOn);

    public IReadOnlyList<AssessmentAgency> Agencies { get; private set; } = [];

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync()
    {
        Message = TempData["message"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid agencyId, string? systemId)
    {
        if (!Guid.TryParse(systemId?.Trim(), out var sid) || !await db.Systems.AnyAsync(s => s.Id == sid))
        {
            TempData["message"] = "定级对象 ID 无效";
            return RedirectToPage();
        }

        if (!await db.Agencies.AnyAsync(a => a.Id == agencyId))
        {
            return NotFound();
        }

        if (await db.AgencyAssignments.AnyAsync(a => a.AgencyId == agencyId && a.SystemId == sid))
        {
            TempData["message"] = "该委托已存在";
            return RedirectToPage();
        }

        db.AgencyAssignments.Add(new AgencyAssignment { AgencyId = agencyId, SystemId = sid, AssignedOn = lifecycle.Today });
        await db.SaveChangesAsync();
        TempData["message"] = "已新增委托";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndAsync(Guid assignmentId)
    {
        var assignment = await db.AgencyAssignments.FirstOrDefaultAsync(a => a.Id == assignmentId);
        if (assignment is null)
        {
            return NotFound();
        }

        assignment.EndsOn = lifecycle.Today;
        await db.SaveChangesAsync();
        TempData["message"] = "已结束委托";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        Agencies = await db.Agencies.AsNoTracking().OrderBy(a => a.Name).ToListAsync();
        Rows = await db.AgencyAssignments.AsNoTracking()
            .OrderByDescending(a => a.AssignedOn).Take(300)
            .Join(db.Systems, a => a.SystemId, s => s.Id, (a, s) => new Row(a.Id, a.Agency!.Name, s.Id, s.Name, s.Institution!.Name, a.AssignedOn, a.EndsOn))
            .ToListAsync();
    }
}
