using MedGuard.Domain.Institutions;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Inventory;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>/api/institutions: the hospitals in the caller's scope, their contacts (phones opened and audited), the
/// sector survey and new protected systems — the same rules as the institution pages (<see cref="InventoryService"/>).</summary>
public static class InstitutionsApi
{
    public static void MapInstitutionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/institutions", async (MedGuardDbContext db) => Results.Ok(await db.Institutions.AsNoTracking().OrderBy(i => i.Name)
            .Select(i => new InstitutionSummary(i.Id, i.Name, i.Tier.ToString(), i.Region, i.DirectlyAffiliated, i.Systems.Count)).ToListAsync()));
        api.MapGet("/institutions/{id:guid}", async (Guid id, MedGuardDbContext db) =>
        {
            var i = await db.Institutions.AsNoTracking().Include(x => x.Systems).ThenInclude(s => s.Grading).Include(x => x.Systems).ThenInclude(s => s.Filing)
                .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            return Results.Ok(new InstitutionDetail(i.Id, i.Name, i.Tier.ToString(), i.Region, i.DirectlyAffiliated, i.CreditCode, i.Address, i.Survey,
                i.Systems.Select(SystemSummary.Of).ToList()));
        });
        api.MapGet("/institutions/{id:guid}/contacts", async (Guid id, HttpContext http, MedGuardDbContext db, SensitiveFields sensitive) =>
        {
            var contacts = await db.InstitutionContacts.AsNoTracking().Where(c => c.InstitutionId == id).ToListAsync();
            if (contacts.Count == 0 && !await db.Institutions.AnyAsync(i => i.Id == id))
            {
                throw new KeyNotFoundException();
            }

            await sensitive.RecordReadAsync(http, "Institution", id.ToString(), "API 查看联系人电话");
            return Results.Ok(contacts.Select(c => new ContactView(c.Id, c.Name, c.Title, sensitive.Open(c.Phone, SensitiveFields.ContactPhone), c.Email)).ToList());
        }).WithSummary("联系人（含加密电话，读取记入审计）");
        api.MapPut("/institutions/{id:guid}/survey", async (Guid id, InstitutionSurvey survey, HttpContext http, MedGuardDbContext db, InventoryService inventory) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            var i = await db.Institutions.FirstOrDefaultAsync(x => x.Id == id) ?? throw new KeyNotFoundException();
            await inventory.SaveSurveyAsync(db, i, survey);
            return Results.NoContent();
        });
        api.MapPost("/institutions/{id:guid}/systems", async (Guid id, NewSystemRequest body, HttpContext http, MedGuardDbContext db) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            if (!await db.Institutions.AnyAsync(i => i.Id == id))
            {
                throw new KeyNotFoundException();
            }

            var system = await InventoryService.AddSystemAsync(db, id, new NewSystem(
                body.Name,
                Enum.TryParse<MedGuard.Domain.Systems.GradingObjectType>(body.Type, true, out var t) ? t : throw new Lifecycle.LifecycleException($"未知的定级对象类型 {body.Type}"),
                Enum.TryParse<MedGuard.Domain.Systems.BusinessKind>(body.Business, true, out var b) ? b : throw new Lifecycle.LifecycleException($"未知的业务类型 {body.Business}"),
                body.IsCore,
                body.InternetFacing));
            return Results.Created($"/api/systems/{system.Id}", SystemSummary.Of(system));
        });
    }
}
