using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Obligations;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Deadlines;

public sealed class IndexModel(MedGuardDbContext db, LifecycleService lifecycle) : PageModel
{
    public sealed record Row(Guid SystemId, string System, string Institution, int Level, Obligation Obligation);

    public DateOnly Today => lifecycle.Today;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public int OverdueCount { get; private set; }

    public int DueSoonCount { get; private set; }

    public bool Truncated { get; private set; }

    public async Task OnGetAsync()
    {
        var systems = await db.Systems.AsNoTracking()
            .Where(s => s.Grading != null)
            .Include(s => s.Institution).Include(s => s.Grading).Include(s => s.Filing).Include(s => s.Assessments)
            .AsSplitQuery()
            .ToListAsync();
        var all = new List<Row>();
        foreach (var system in systems)
        {
            var schedule = lifecycle.Schedule(system);
            if (schedule is null)
            {
                continue;
            }

            all.AddRange(schedule.Items
                .Where(o => o.Status is ObligationStatus.Overdue || (o.Status == ObligationStatus.Due && o.DueOn is not null))
                .Select(o => new Row(system.Id, system.Name, system.Institution?.Name ?? "", (int)system.Grading!.Level, o)));
        }

        OverdueCount = all.Count(r => r.Obligation.Status == ObligationStatus.Overdue);
        DueSoonCount = all.Count(r => r.Obligation.Status == ObligationStatus.Due && r.Obligation.DueOn <= Today.AddDays(90));
        var ordered = all.OrderBy(r => r.Obligation.Status == ObligationStatus.Overdue ? 0 : 1).ThenBy(r => r.Obligation.DueOn).ToList();
        Truncated = ordered.Count > 300;
        Rows = ordered.Take(300).ToList();
    }
}
