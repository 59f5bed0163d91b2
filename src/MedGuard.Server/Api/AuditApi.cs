using MedGuard.Server.Hosting;
using MedGuard.Storage;
using MedGuard.Storage.Auditing;

namespace MedGuard.Server.Api;

/// <summary>/api/audit (administrators): the audit chain's verification, as the audit page shows it.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder api) =>
        api.MapGet("/audit/verify", async (MedGuardDbContext db, AuditTrail trail) =>
        {
            var v = await trail.VerifyAsync(db);
            return Results.Ok(new AuditVerifyView(v.Intact, v.EntriesChecked, v.BrokenAtSequence, v.Summary));
        }).RequireAuthorization(Policies.Admin).WithSummary("校验审计日志 SM3 链");
}
