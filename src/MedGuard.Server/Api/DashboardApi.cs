using MedGuard.Server.Hosting;
using MedGuard.Server.Pages.Dashboard;
using MedGuard.Server.Sector;
using MedGuard.Storage;
using MedGuard.Storage.Sector;

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

    /// <summary>/api/dashboard/figures: every figure of the sector picture (<see cref="SectorFigures"/>) for the query's filters.</summary>
    public static void MapSectorFiguresApi(this RouteGroupBuilder api) =>
        api.MapGet("/dashboard/figures", async (MedGuardDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var request = SectorRequest.Parse(http.Request.Query, db.Scope);
            if (request.Problem is not null)
            {
                return Results.Problem(request.Problem, statusCode: request.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
            }

            return Results.Ok(await new SectorFigureService(db).ComputeAsync(request.Filter, ct));
        }).RequireAuthorization(Policies.SectorView).WithSummary("行业态势的全部指标（检测发现、等保、调查、定级偏低），含分子、分母与口径");
}
