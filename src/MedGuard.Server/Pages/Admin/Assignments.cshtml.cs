using MedGuard.Domain.Assessment;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Admin;

/// <summary>
/// 测评委托: an agency is assigned to a system by choosing from lists — institution, then that institution's systems,
/// then the agency — never by pasting an id. Choosing the institution reloads the page (a GET) with its systems.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AssignmentsModel(MedGuardDbContext db, LifecycleService lifecycle) : PageModel
{
    public sealed record Row(Guid Id, string Agency, Guid SystemId, string System, string Institution, DateOnly AssignedOn, DateOnly? EndsOn);

    public sealed record Choice(Guid Id, string Name);

    public IReadOnlyList<Choice> Agencies { get; private set; } = [];

    public IReadOnlyList<Choice> Institutions { get; private set; } = [];

    public IReadOnlyList<Choice> Systems { get; private set; } = [];

    /// <summary>The institution chosen first; its systems fill the second list.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? InstitutionId { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public DateOnly Today => lifecycle.Today;

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        Error = TempData["Error"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid? institutionId, Guid? systemId, Guid? agencyId, DateOnly? assignedOn, DateOnly? endsOn)
    {
        string? error = null;
        if (institutionId is null || !await db.Institutions.AnyAsync(i => i.Id == institutionId))
        {
            error = "请选择医疗机构";
        }
        else if (systemId is null || !await db.Systems.AnyAsync(s => s.Id == systemId && s.InstitutionId == institutionId))
        {
            error = "请选择该医疗机构的定级对象";
        }
        else if (agencyId is null || !await db.Agencies.AnyAsync(a => a.Id == agencyId))
        {
            error = "请选择测评机构";
        }
        else if (endsOn is { } end && end < (assignedOn ?? lifecycle.Today))
        {
            error = "委托结束日期不能早于开始日期";
        }
        else if (await db.AgencyAssignments.AnyAsync(a => a.AgencyId == agencyId && a.SystemId == systemId && (a.EndsOn == null || a.EndsOn >= lifecycle.Today)))
        {
            error = "该测评机构对该定级对象的委托已存在且尚未结束";
        }

        if (error is not null)
        {
            TempData["Error"] = error;
            return RedirectToPage(new { institutionId });
        }

        db.AgencyAssignments.Add(new AgencyAssignment { AgencyId = agencyId!.Value, SystemId = systemId!.Value, AssignedOn = assignedOn ?? lifecycle.Today, EndsOn = endsOn });
        await db.SaveChangesAsync();
        TempData["Flash"] = "已新增委托";
        return RedirectToPage(new { institutionId });
    }

    public async Task<IActionResult> OnPostEndAsync(Guid assignmentId)
    {
        var assignment = await db.AgencyAssignments.FirstOrDefaultAsync(a => a.Id == assignmentId);
        if (assignment is null)
        {
            return NotFound();
        }

        // Ended yesterday: from today the agency reads and writes nothing of the system (the filters compare with today).
        assignment.EndsOn = lifecycle.Today.AddDays(-1) < assignment.AssignedOn ? assignment.AssignedOn : lifecycle.Today.AddDays(-1);
        await db.SaveChangesAsync();
        TempData["Flash"] = "已结束委托";
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        Agencies = await db.Agencies.AsNoTracking().OrderBy(a => a.Name).Select(a => new Choice(a.Id, a.Name)).ToListAsync();
        Institutions = await db.Institutions.AsNoTracking().OrderBy(i => i.Name).Select(i => new Choice(i.Id, i.Name)).ToListAsync();
        if (InstitutionId is { } institution)
        {
            Systems = await db.Systems.AsNoTracking().Where(s => s.InstitutionId == institution).OrderBy(s => s.Name).Select(s => new Choice(s.Id, s.Name)).ToListAsync();
        }

        Rows = await db.AgencyAssignments.AsNoTracking()
            .OrderByDescending(a => a.AssignedOn).Take(300)
            .Join(db.Systems, a => a.SystemId, s => s.Id, (a, s) => new Row(a.Id, a.Agency!.Name, s.Id, s.Name, s.Institution!.Name, a.AssignedOn, a.EndsOn))
            .ToListAsync();
    }
}
