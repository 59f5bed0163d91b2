using MedGuard.Domain.Assessment;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Rectifications;

public sealed class IndexModel(MedGuardDbContext db, LifecycleService lifecycle) : PagedListPageModel
{
    public sealed record Row(Guid Id, string Title, string System, string Institution, string? Risk, string? Owner, DateOnly? DueOn, RectificationStatus Status, bool Overdue);

    [BindProperty(SupportsGet = true)]
    public RectificationStatus? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "overdue")]
    public bool OnlyOverdue { get; set; }

    public int Overdue { get; private set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public sealed record PendingExtension(Guid RectificationId, string Title, string RequestedBy, DateOnly? CurrentDueOn, DateOnly RequestedDueOn);

    /// <summary>延期申请 waiting for a decision, within the user's scope (the regulator's and agency's to-do list).</summary>
    public IReadOnlyList<PendingExtension> PendingExtensions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var today = lifecycle.Today;
        var open = new[] { RectificationStatus.Open, RectificationStatus.InProgress };
        var query = db.Rectifications.AsQueryable();
        Overdue = await query.CountAsync(r => open.Contains(r.Status) && r.DueOn < today);
        if (Status is { } st)
        {
            query = query.Where(r => r.Status == st);
        }

        if (OnlyOverdue)
        {
            query = query.Where(r => open.Contains(r.Status) && r.DueOn < today);
        }

        PendingExtensions = await db.ExtensionRequests.AsNoTracking().Where(e => e.Status == ExtensionStatus.Pending).OrderBy(e => e.RequestedAt).Take(50)
            .Join(db.Rectifications, e => e.RectificationId, r => r.Id, (e, r) => new PendingExtension(r.Id, r.Title, e.RequestedBy, e.CurrentDueOn, e.RequestedDueOn))
            .ToListAsync();
        var page = await PageOfAsync(query, q => q.OrderBy(r => r.DueOn));
        var rows = await page
            .Join(db.Systems, r => r.SystemId, s => s.Id, (r, s) => new { r, SystemName = s.Name, InstitutionName = s.Institution!.Name })
            .ToListAsync();
        Rows = rows.Select(x => new Row(x.r.Id, x.r.Title, x.SystemName, x.InstitutionName, x.r.Risk, x.r.Owner, x.r.DueOn, x.r.Status,
            open.Contains(x.r.Status) && x.r.DueOn < today)).ToList();
    }
}
