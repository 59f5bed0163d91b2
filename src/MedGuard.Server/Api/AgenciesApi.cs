using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>/api/agencies: the 测评机构 (assessment agencies) the caller may see.</summary>
public static class AgenciesApi
{
    public static void MapAgenciesApi(this RouteGroupBuilder api) =>
        api.MapGet("/agencies", async (MedGuardDbContext db) => Results.Ok(await db.Agencies.AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new AgencyView(a.Id, a.Name, a.CertificateNumber)).ToListAsync()));
}
