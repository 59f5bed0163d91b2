using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Server.Hosting;
using MedGuard.Server.Sector;
using MedGuard.Storage;
using MedGuard.Storage.Sector;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Dashboard;

/// <summary>
/// Drill-down (钻取) of the dashboard: the institutions behind a figure with the same filters, and — for one of them —
/// the findings, systems and assets behind it. A region outside the viewer's is 403, an institution it cannot see 404.
/// </summary>
[Authorize(Policy = Policies.SectorView)]
public sealed class InstitutionsModel(MedGuardDbContext db) : PageModel
{
    /// <summary>Most rows shown; the count above the list is the full one.</summary>
    public const int Limit = 500;

    public sealed record InstitutionRow(Guid Id, string Name, HospitalTier Tier, string Region, long Findings);

    public sealed record FindingRow(Guid Id, string Title, string Detector, Severity Severity, FindingStatus Status, string Target);

    public SectorRequest Sector { get; private set; } = null!;

    public long Total { get; private set; }

    public IReadOnlyList<InstitutionRow> Rows { get; private set; } = [];

    public (Guid Id, string Name)? Institution { get; private set; }

    public long FindingTotal { get; private set; }

    public IReadOnlyList<FindingRow> Findings { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? institution, CancellationToken ct)
    {
        Sector = SectorRequest.Parse(HttpContext.Request.Query, db.Scope);
        if (Sector.Problem is not null)
        {
            Response.StatusCode = Sector.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            return Page();
        }

        var service = new SectorFigureService(db);
        var behind = await service.InstitutionsBehindAsync(Sector.Filter, Sector.Drill, ct);
        var matching = service.MatchingFindings(Sector.Filter, Sector.Drill);
        if (institution is { } id)
        {
            // Through the tenant filter and the figure's own filter: another region's hospital is simply not there.
            var name = await behind.Where(i => i.Id == id).Select(i => i.Name).FirstOrDefaultAsync(ct);
            if (name is null)
            {
                return NotFound();
            }

            Institution = (id, name);
            var own = matching.Where(f => f.InstitutionId == id);
            FindingTotal = await own.LongCountAsync(ct);
            Findings = await own.OrderByDescending(f => f.Severity).ThenBy(f => f.Title).Take(Limit)
                .Select(f => new FindingRow(f.Id, f.Title, f.Detector, f.Severity, f.Status, f.TargetDisplay)).ToListAsync(ct);
            return Page();
        }

        Total = await behind.LongCountAsync(ct);
        var page = await behind.OrderBy(i => i.Tier).ThenBy(i => i.Name).Take(Limit).Select(i => new { i.Id, i.Name, i.Tier, i.Region }).ToListAsync(ct);
        var ids = page.Select(p => p.Id).ToList();
        var counts = Sector.Drill.Kind == SectorDrillKind.Findings
            ? await matching.Where(f => ids.Contains(f.InstitutionId)).GroupBy(f => f.InstitutionId).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct)
            : [];
        Rows = [.. page.Select(p => new InstitutionRow(p.Id, p.Name, p.Tier, p.Region, counts.GetValueOrDefault(p.Id)))];
        return Page();
    }

    public string Describe()
    {
        var d = Sector.Drill;
        var parts = new List<string>();
        parts.Add(d.Kind switch
        {
            SectorDrillKind.Tested => $"期间内导入过{SectorTables.DetectorName(d.Detector)}检测结果的机构",
            SectorDrillKind.Findings => $"有{SectorTables.DetectorName(d.Detector)}检测发现的机构",
            SectorDrillKind.UnderGraded => "有定级偏低定级对象的机构",
            _ => "全部机构",
        });
        if (d.Severity is { } s)
        {
            parts.Add($"严重程度 {s.ToChinese()}");
        }

        if (d.Title is { } t)
        {
            parts.Add($"类型「{t}」");
        }

        if (d.Port is { } p)
        {
            parts.Add($"端口 {p}");
        }

        if (d.Package is { } pkg)
        {
            parts.Add($"App {pkg}");
        }

        if (d.Account is { } a)
        {
            parts.Add($"公众号 {a}");
        }

        var f = Sector.Filter;
        if (f.Region is { } r)
        {
            parts.Add(AdministrativeRegions.FullName(r));
        }

        if (f.Tier is { } tier)
        {
            parts.Add(SectorFigureService.TierName(tier));
        }

        if (f.From is not null || f.To is not null)
        {
            parts.Add($"期间 {f.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "…"} 至 {f.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "…"}");
        }

        return string.Join("，", parts);
    }
}
