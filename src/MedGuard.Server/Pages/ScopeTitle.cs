using MedGuard.Domain.Institutions;
using MedGuard.Storage;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Pages;

/// <summary>
/// What a page heading says the user is looking at: the institution's, agency's or region's name — never the tenant
/// scope's ids or codes (<see cref="TenantScope.ToString"/> is for logs).
/// </summary>
public static class ScopeTitle
{
    public static async Task<string> DescribeAsync(MedGuardDbContext db)
    {
        var scope = db.Scope;
        return scope.Kind switch
        {
            TenantKind.Regulator => $"监管部门：{AdministrativeRegions.FullName(scope.Region)}",
            TenantKind.Institution => await db.Institutions.AsNoTracking().Where(i => i.Id == scope.InstitutionId).Select(i => i.Name).FirstOrDefaultAsync() ?? "本机构",
            TenantKind.Agency => await db.Agencies.AsNoTracking().Where(a => a.Id == scope.AgencyId).Select(a => a.Name).FirstOrDefaultAsync() ?? "本测评机构",
            _ => "全平台",
        };
    }
}
