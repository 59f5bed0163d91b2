using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Server.Hosting;
using MedGuard.Server.Sector;
using MedGuard.Storage;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages.Dashboard;

/// <summary>
/// 行业态势: the report's section 二 from the platform's own records — what detection found and the state of 等保 work
/// (<see cref="SectorFigureService"/>), with a filter, drill-down on every number and Excel / PNG export. A regulator
/// sees its region, a hospital itself beside its tier's average.
/// </summary>
[Authorize(Policy = Policies.SectorView)]
public sealed class IndexModel(MedGuardDbContext db, DatabaseTarget target) : PageModel
{
    /// <summary>A hospital's own figure beside its tier's average (over the whole platform: aggregates only, no rows).</summary>
    public sealed record Comparison(string Label, string Own, string TierAverage);

    public SectorFigures? Figures { get; private set; }

    public IReadOnlyList<SectorTable> Tables { get; private set; } = [];

    public IReadOnlyList<Comparison> TierComparison { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Campaigns { get; private set; } = [];

    public SectorRequest Sector { get; private set; } = null!;

    public string ChartJson { get; private set; } = "{}";

    public string ScopeText { get; private set; } = "";

    public bool IsInstitution => db.Scope.Kind == TenantKind.Institution;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ScopeText = await ScopeTitle.DescribeAsync(db);
        Sector = SectorRequest.Parse(HttpContext.Request.Query, db.Scope);
        Campaigns = [.. (await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.Name }).Take(50).ToListAsync(ct)).Select(c => (c.Id, c.Name))];
        if (Sector.Problem is not null)
        {
            Response.StatusCode = Sector.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
            return Page();
        }

        Figures = await new SectorFigureService(db).ComputeAsync(Sector.Filter, ct);
        Tables = SectorTables.From(Figures);
        if (IsInstitution)
        {
            TierComparison = await CompareWithTierAsync(Figures, ct);
        }

        ChartJson = JsonSerializer.Serialize(Charts(Figures), new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // Escaped for an HTML script element: '<' becomes \u003C, so the JSON cannot close the element.
            Encoder = JavaScriptEncoder.Default,
        });
        return Page();
    }

    /// <summary>One table as .xlsx (<c>?handler=export&amp;table=key</c>), same filters as the page.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? table, CancellationToken ct)
    {
        var request = SectorRequest.Parse(HttpContext.Request.Query, db.Scope);
        if (request.Problem is not null)
        {
            return request.Forbidden ? Forbid() : BadRequest(request.Problem);
        }

        var figures = await new SectorFigureService(db).ComputeAsync(request.Filter, ct);
        var chosen = SectorTables.From(figures).FirstOrDefault(t => t.Key == table);
        if (chosen is null)
        {
            return NotFound($"没有这个表：{table}");
        }

        var name = $"行业态势-{chosen.Title}-{db.Today.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.xlsx";
        return File(SectorExport.Xlsx(chosen), SectorExport.ContentType, name);
    }

    public static string RegionName(string code) => AdministrativeRegions.FullName(code);

    private async Task<IReadOnlyList<Comparison>> CompareWithTierAsync(SectorFigures own, CancellationToken ct)
    {
        var tier = await db.Institutions.AsNoTracking().Where(i => i.Id == db.Scope.InstitutionId).Select(i => (HospitalTier?)i.Tier).FirstOrDefaultAsync(ct);
        if (tier is null)
        {
            return [];
        }

        // The whole platform's tier, read with the system scope for aggregates only: no row of another hospital leaves here.
        await using var platform = MedGuardContextFactory.Create(target, TenantScope.System, db.Today);
        var all = await new SectorFigureService(platform).ComputeAsync(Sector.Filter with { Tier = tier, Region = null }, ct);
        var institutions = Math.Max(1, all.Total.Institutions);
        static string Pct(Figure f) => f.Percent is { } p ? $"{p.ToString("0.0", CultureInfo.InvariantCulture)}%" : "—";
        var rows = own.Total.Figures.Zip(all.Total.Figures, (o, a) => new Comparison(o.Label, Pct(o), Pct(a))).ToList();
        foreach (var severity in new[] { Severity.High, Severity.Medium, Severity.Low })
        {
            var ownCount = own.Detection.BySeverity.Where(s => s.Severity == severity).Sum(s => s.Count);
            var tierCount = all.Detection.BySeverity.Where(s => s.Severity == severity).Sum(s => s.Count);
            rows.Add(new Comparison($"{severity.ToChinese()}危检测发现（条/机构）", ownCount.ToString(CultureInfo.InvariantCulture),
                ((double)tierCount / institutions).ToString("0.0", CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    private static object Charts(SectorFigures f)
    {
        var filter = f.Filter;
        var d = f.Detection;
        string[] detectors = ["ports", "web", "apk", "logic"];
        Severity[] severities = [Severity.High, Severity.Medium, Severity.Low];
        object Rates(IReadOnlyList<GroupFigures> groups, string[] keys, Func<GroupFigures, SectorFilter> scope) => new
        {
            categories = groups.Select(g => g.Name),
            series = keys.Select(k => new
            {
                name = groups.FirstOrDefault()?[k].Label ?? k,
                data = groups.Select(g => g[k].Percent ?? 0),
                tips = groups.Select(g => $"{g[k].Numerator}/{g[k].Denominator}：{g[k].Definition}"),
                links = groups.Select(g => SectorLinks.Institutions(scope(g), SectorDrill.All)),
            }),
        };
        return new
        {
            tiers = Rates(f.Tiers, ["graded", "filed", "level3-assessed", "rectified", "his-level3"], g => filter with { Tier = g.Tier }),
            survey = Rates(f.Tiers, ["million-records", "five-staff", "lacks-professionals", "crypto-devices", "crypto-algorithms", "domestic-crypto", "domestic-os", "domestic-db", "domestic-middleware"], g => filter with { Tier = g.Tier }),
            regions = Rates(f.Regions, ["graded", "filed", "level3-assessed", "rectified"], g => filter with { Region = g.Region }),
            severity = new
            {
                categories = detectors.Select(SectorTables.DetectorName),
                series = severities.Select(s => new
                {
                    name = s.ToChinese(),
                    data = detectors.Select(det => d.Count(det, s)),
                    tips = detectors.Select(det => $"{SectorTables.DetectorName(det)} {s.ToChinese()}危"),
                    links = detectors.Select(det => SectorLinks.Institutions(filter, SectorDrill.Findings(det) with { Severity = s })),
                }),
            },
            ports = new
            {
                categories = d.Ports.PerPort.Select(p => p.Label),
                series = new[]
                {
                    new
                    {
                        name = "服务器数",
                        data = d.Ports.PerPort.Select(p => p.Count),
                        tips = d.Ports.PerPort.Select(p => $"端口 {p.Label}"),
                        links = d.Ports.PerPort.Select(p => SectorLinks.Institutions(filter, p.Drill)),
                    },
                },
            },
            underGraded = new
            {
                categories = f.UnderGrading.PerTier.Select(t => t.Label),
                series = new[]
                {
                    new
                    {
                        name = "定级偏低",
                        data = f.UnderGrading.PerTier.Select(t => t.Count),
                        tips = f.UnderGrading.PerTier.Select(t => f.UnderGrading.Total.Definition),
                        links = f.UnderGrading.PerTier.Select(t => SectorLinks.Institutions(filter with { Tier = Enum.Parse<HospitalTier>(t.Key) }, SectorDrill.UnderGraded)),
                    },
                },
            },
        };
    }
}
