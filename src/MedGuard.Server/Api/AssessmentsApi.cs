using MedGuard.Domain.Assessment;
using MedGuard.Server.Auditing;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;

namespace MedGuard.Server.Api;

/// <summary>/api/assessments: an assessment's results (evidence opened and audited), entering a result and forming the
/// conclusion — the same <see cref="LifecycleService"/> steps as the assessment page.</summary>
public static class AssessmentsApi
{
    public static void MapAssessmentsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assessments/{id:guid}", async (Guid id, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle, SensitiveFields sensitive) =>
        {
            var (assessment, _) = await lifecycle.LoadAssessmentAsync(db, id);
            if (assessment.Results.Any(r => r.Evidence is not null))
            {
                await sensitive.RecordReadAsync(http, "AssessmentRecord", id.ToString(), "API 查看测评证据");
            }

            return Results.Ok(new AssessmentDetail(AssessmentSummary.Of(assessment), LifecycleService.ItemsOf(assessment).Count,
                assessment.Results.OrderBy(r => r.ItemCode).Select(r => new ItemView(r.ItemCode, r.Result.ToChinese(), r.Risk, r.MajorHazard, sensitive.Open(r.Evidence, SensitiveFields.ItemEvidence))).ToList()));
        }).WithSummary("测评详情（含证据，读取记入审计）");
        api.MapPut("/assessments/{id:guid}/items/{code}", async (Guid id, string code, ItemRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanAssess());
            await lifecycle.SaveItemsAsync(db, id, [new ItemInput(code, body.Result, body.Evidence, body.Risk, body.MajorHazard)]);
            return Results.NoContent();
        }).WithSummary("录入一项测评结果");
        api.MapPost("/assessments/{id:guid}/conclusion", async (Guid id, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanAssess());
            var c = await lifecycle.ConcludeAsync(db, id);
            return Results.Ok(new ConclusionView(c.Conclusion, c.ConformityRate, c.ComprehensiveScore, c.MajorHazards, c.Rectification.Count, c.Reasons));
        }).WithSummary("形成测评结论");
    }
}
