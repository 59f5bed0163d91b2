using MedGuard.Server.Hosting;
using MedGuard.Server.Pages.Dashboard;
using MedGuard.Server.Sector;
using MedGuard.Storage;

namespace MedGuard.Server.Api;

/// <summary>/api/dashboard: the sector picture (行业态势) the dashboard page draws, computed by the same
/// <see cref="SectorDashboard"/>.</summary>
public static class DashboardApi
{
    public static void MapDashboardApi(this RouteGroupBuilder api) =>
        api.MapGet("/dashboard", async (MedGuardDbContext db) =>
        {
            var (tiers, regions, total) = await SectorDashboard.ComputeAsync(db, IndexModel.RegionName);
            return Results.Ok(new { tiers, regions, total });
        }).RequireAuthorization(Policies.Sector).WithSummary("行业态势（定级率、备案率、测评率、整改率）");
}
