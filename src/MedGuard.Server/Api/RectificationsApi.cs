using MedGuard.Domain.Assessment;
using MedGuard.Domain.Platform;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>/api/rectifications: the 整改 tasks in scope and their progress (the deadline changes only through an
/// extension request, <see cref="LifecycleApi"/>).</summary>
public static class RectificationsApi
{
    public static void MapRectificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rectifications", async (MedGuardDbContext db) => Results.Ok(await db.Rectifications.AsNoTracking().OrderBy(r => r.DueOn)
            .Select(r => new RectificationView(r.Id, r.SystemId, r.Title, r.ItemCode, r.Risk, r.Owner, r.DueOn, r.Status.ToString())).ToListAsync()));
        api.MapPut("/rectifications/{id:guid}", async (Guid id, RectificationUpdate body, HttpContext http, MedGuardDbContext db) =>
        {
            PlatformApi.Require(http.User.CanRectify() || http.User.CanRetest() || http.User.Role() == UserRole.RegulatorStaff);
            var r = await db.Rectifications.FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            var status = Enum.TryParse<RectificationStatus>(body.Status, true, out var st) ? st : throw new LifecycleException($"未知的整改状态 {body.Status}");
            if (status == RectificationStatus.Verified && r.Status != status && !await LifecycleService.CanRetestAsync(db, r))
            {
                throw new LifecycleException("复测通过须由测评机构确认（无测评机构时由监管部门确认）");
            }

            if (body.DueOn is { } due && due != r.DueOn)
            {
                throw new LifecycleException("整改期限须通过延期申请变更（POST /api/rectifications/{id}/extension-requests）");
            }

            if (http.User.CanRectify())
            {
                r.Owner = body.Owner ?? r.Owner;
            }

            r.Status = status;
            await db.SaveChangesAsync();
            return Results.NoContent();
        });
    }
}
