using MedGuard.Domain.Institutions;
using MedGuard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Institutions;

public sealed class IndexModel(MedGuardDbContext db) : PagedListPageModel
{
    public sealed record Row(Guid Id, string Name, HospitalTier Tier, string Region, bool Direct, int Systems, int Graded, int Filed);

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public HospitalTier? Tier { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var query = db.Institutions.AsQueryable();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            query = query.Where(i => i.Name.Contains(Q.Trim()));
        }

        if (Tier is { } tier)
        {
            query = query.Where(i => i.Tier == tier);
        }

        var page = await PageOfAsync(query, q => q.OrderByDescending(i => i.DirectlyAffiliated).ThenBy(i => i.Tier).ThenBy(i => i.Name));
        Rows = await page
            .Select(i => new Row(i.Id, i.Name, i.Tier, i.Region, i.DirectlyAffiliated, i.Systems.Count,
                i.Systems.Count(s => s.Grading != null), i.Systems.Count(s => s.Filing != null)))
            .ToListAsync();
    }
}
