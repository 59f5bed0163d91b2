using System.Text.Encodings.Web;
using System.Text.Json;
using MedGuard.Domain.Institutions;
using MedGuard.Server.Hosting;
using MedGuard.Server.Sector;
using MedGuard.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedGuard.Server.Pages.Dashboard;

[Authorize(Policy = Policies.Sector)]
public sealed class IndexModel(MedGuardDbContext db) : PageModel
{
    public IReadOnlyList<SectorRow> Tiers { get; private set; } = [];

    public IReadOnlyList<SectorRow> Regions { get; private set; } = [];

    public SectorRow Total { get; private set; } = null!;

    public string ChartJson { get; private set; } = "{}";

    public string ScopeText { get; private set; } = "";

    public async Task OnGetAsync()
    {
        ScopeText = await ScopeTitle.DescribeAsync(db);
        (Tiers, Regions, Total) = await SectorDashboard.ComputeAsync(db, RegionName);
        // Escaped for an HTML script element: '<' becomes \u003C, so the JSON cannot close the element.
        ChartJson = JsonSerializer.Serialize(new { tiers = Tiers }, new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Encoder = JavaScriptEncoder.Default,
        });
    }

    public static string RegionName(string code) => AdministrativeRegions.FullName(code);
}
