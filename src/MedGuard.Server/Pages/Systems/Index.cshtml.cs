using MedGuard.Domain.Systems;
using MedGuard.Server.Hosting;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Systems;

public sealed class IndexModel(MedGuardDbContext db) : PagedListPageModel
{
    public sealed record Row(Guid Id, string Name, string Institution, BusinessKind Business, int? Level, bool Filed, string? Certificate, string? LastAssessment);

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public bool CanCreate => User.CanEditInventory();

    public async Task OnGetAsync()
    {
        var query = db.Systems.AsQueryable();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            query = query.Where(s => s.Name.Contains(q) || s.Institution!.Name.Contains(q));
        }

        query = State switch
        {
            "ungraded" => query.Where(s => s.Grading == null),
            "unfiled" => query.Where(s => s.Grading != null && s.Filing == null),
            "filed" => query.Where(s => s.Filing != null),
            "assessed" => query.Where(s => s.Assessments.Any(a => a.Conclusion != null)),
            _ => query,
        };
        var page = await PageOfAsync(query, q => q.OrderBy(s => s.Institution!.Name).ThenBy(s => s.Name));
        var rows = await page
            .Select(s => new
            {
                s.Id,
                s.Name,
                Institution = s.Institution!.Name,
                s.Business,
                Level = s.Grading == null ? (ProtectionLevel?)null : s.Grading.Level,
                Filed = s.Filing != null,
                Certificate = s.Filing == null ? null : s.Filing.CertificateNumber,
                Last = s.Assessments.OrderByDescending(a => a.AssessedOn).Select(a => new { a.AssessedOn, a.Conclusion }).FirstOrDefault(),
            })
            .ToListAsync();
        Rows = rows.Select(r => new Row(r.Id, r.Name, r.Institution, r.Business, (int?)r.Level, r.Filed, r.Certificate,
            r.Last is null ? null : $"{r.Last.AssessedOn:yyyy-MM-dd} {r.Last.Conclusion}")).ToList();
    }
}
