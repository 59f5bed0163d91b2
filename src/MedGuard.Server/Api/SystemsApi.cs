using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Standards.Grading;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

/// <summary>/api/systems: the protected systems (定级对象) in scope and their lifecycle steps — 定级, 备案, deadlines and
/// assessments — through the <see cref="LifecycleService"/> the pages use.</summary>
public static class SystemsApi
{
    public static void MapSystemsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/systems", async (MedGuardDbContext db) => Results.Ok((await db.Systems.AsNoTracking().Include(s => s.Grading).Include(s => s.Filing)
            .OrderBy(s => s.Name).ToListAsync()).Select(SystemSummary.Of).ToList()));
        api.MapGet("/systems/{id:guid}", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            var s = await lifecycle.LoadSystemAsync(db, id);
            return Results.Ok(new SystemDetail(SystemSummary.Of(s), s.Institution?.Name ?? "", s.Grading?.Reasons ?? [], s.Grading?.GradedOn, s.Filing?.FiledOn,
                s.Filing?.CertificateValidUntil, s.Assessments.Select(AssessmentSummary.Of).ToList()));
        });
        api.MapPost("/systems/{id:guid}/grading", async (Guid id, GradeRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            var input = new GradingInput
            {
                InformationObject = body.InformationObject,
                InformationDegree = HarmDegrees.Parse(body.InformationDegree ?? ""),
                ServiceObject = body.ServiceObject,
                ServiceDegree = HarmDegrees.Parse(body.ServiceDegree ?? ""),
                IsCriticalInfrastructure = body.IsCriticalInfrastructure,
                MatrixEdition = body.MatrixEdition,
            };
            var r = await lifecycle.GradeAsync(db, id, input);
            return Results.Ok(new GradeResponse(r.Level, r.Notation, r.Edition, r.Reasons, r.Warnings));
        }).WithSummary("定级（GB/T 22240-2020）");
        api.MapPost("/systems/{id:guid}/filing", async (Guid id, FileRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            var f = await lifecycle.FileAsync(db, id, new FilingInput { FiledOn = body.FiledOn, CertificateNumber = body.CertificateNumber, PoliceOrgan = body.PoliceOrgan, CertificateIssuedOn = body.CertificateIssuedOn });
            return Results.Ok(new { f.FiledOn, f.CertificateNumber, f.CertificateValidUntil, Status = f.StatusName });
        }).WithSummary("备案");
        api.MapGet("/systems/{id:guid}/deadlines", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            var schedule = lifecycle.Schedule(await lifecycle.LoadSystemAsync(db, id));
            return Results.Ok(schedule?.Items.Select(o => new DeadlineView(o.Kind.ToString(), o.Title, o.StatusName, o.DueOn, o.Detail, o.Basis)).ToList() ?? []);
        }).WithSummary("期限（义务计算）");
        api.MapGet("/systems/{id:guid}/assessments", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
            Results.Ok((await lifecycle.LoadSystemAsync(db, id)).Assessments.OrderByDescending(a => a.AssessedOn).Select(AssessmentSummary.Of).ToList()));
        api.MapPost("/systems/{id:guid}/assessments", async (Guid id, NewAssessmentRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanAssess());
            var assessment = await lifecycle.StartAssessmentAsync(db, id, body.AssessedOn, body.Template);
            return Results.Created($"/api/assessments/{assessment.Id}", AssessmentSummary.Of(assessment));
        }).WithSummary("新建测评（测评机构：等级测评；医疗机构：自查）");
    }
}
