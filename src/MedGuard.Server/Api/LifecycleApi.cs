using MedGuard.Domain.Assessment;
using MedGuard.Domain.Platform;
using MedGuard.Server.Hosting;
using MedGuard.Server.Lifecycle;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Api;

public sealed record ExpertReviewRequest(DateOnly ReviewedOn, string? Reviewers);

public sealed record ApprovalDecision(bool Approve, string? Reason = null);

public sealed record ApprovalView(string State, bool ExpertReviewed, DateOnly? ExpertReviewedOn, string? ExpertReviewers, DateOnly? RequestedOn,
    bool Approved, DateOnly? ApprovedOn, string? DecidedBy, DateTime? DecidedAt, string? RefusalReason);

public sealed record ExtensionRequestBody(DateOnly RequestedDueOn, string? Reason);

public sealed record ExtensionDecision(bool Approve, string? Note = null);

public sealed record ExtensionView(Guid Id, Guid RectificationId, string RequestedBy, DateTime RequestedAt, string Reason, DateOnly? CurrentDueOn,
    DateOnly RequestedDueOn, string Status, string? DecidedBy, DateTime? DecidedAt, string? DecisionNote);

/// <summary>
/// The process steps that belong to different roles (issue 11, process integrity): 专家评审 and 申请核准 by the hospital,
/// 主管部门核准 by the region's regulator; 整改延期 asked by the hospital and decided by the regulator or the agency that
/// found the shortfall. Mapped inside /api by <see cref="PlatformApi"/>, so the same anti-forgery check and error
/// mapping apply.
/// </summary>
public static class LifecycleApi
{
    public static void MapLifecycleApi(this RouteGroupBuilder api)
    {
        api.MapPost("/systems/{id:guid}/expert-review", async (Guid id, ExpertReviewRequest body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            return Results.Ok(View(await lifecycle.RecordExpertReviewAsync(db, id, body.ReviewedOn, body.Reviewers)));
        }).WithSummary("记录专家评审（日期、评审专家及单位）");

        api.MapPost("/systems/{id:guid}/approval-request", async (Guid id, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.CanEditInventory());
            return Results.Ok(View(await lifecycle.RequestApprovalAsync(db, id)));
        }).WithSummary("申请主管部门核准（医疗机构）");

        api.MapPost("/systems/{id:guid}/approval", async (Guid id, ApprovalDecision body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.Role() == UserRole.RegulatorStaff);
            return Results.Ok(View(await lifecycle.DecideApprovalAsync(db, id, body.Approve, body.Reason, http.User.DisplayName())));
        }).WithSummary("主管部门核准或不予核准（本地区监管部门）");

        api.MapGet("/systems/{id:guid}/approval", async (Guid id, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            var grading = (await lifecycle.LoadSystemAsync(db, id)).Grading ?? throw new LifecycleException("该定级对象尚未定级");
            return Results.Ok(View(grading));
        }).WithSummary("专家评审与主管部门核准状态");

        api.MapGet("/rectifications/{id:guid}/extension-requests", async (Guid id, MedGuardDbContext db) =>
        {
            if (!await db.Rectifications.AnyAsync(r => r.Id == id))
            {
                throw new KeyNotFoundException();
            }

            return Results.Ok((await db.ExtensionRequests.AsNoTracking().Where(e => e.RectificationId == id).ToListAsync())
                .OrderByDescending(e => e.RequestedAt).Select(View).ToList());
        }).WithSummary("整改任务的延期申请");

        api.MapPost("/rectifications/{id:guid}/extension-requests", async (Guid id, ExtensionRequestBody body, HttpContext http, MedGuardDbContext db, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.Role() == UserRole.InstitutionStaff);
            var request = await lifecycle.RequestExtensionAsync(db, id, body.RequestedDueOn, body.Reason, http.User.DisplayName());
            return Results.Created($"/api/extension-requests/{request.Id}", View(request));
        }).WithSummary("申请整改延期（医疗机构，须写明理由）");

        api.MapPost("/extension-requests/{id:guid}/decision", async (Guid id, ExtensionDecision body, MedGuardDbContext db, HttpContext http, LifecycleService lifecycle) =>
        {
            PlatformApi.Require(http.User.Role() is UserRole.RegulatorStaff or UserRole.AgencyStaff);
            return Results.Ok(View(await lifecycle.DecideExtensionAsync(db, id, body.Approve, body.Note, http.User.DisplayName())));
        })
            .WithSummary("批准或驳回延期申请（监管部门，或作出该测评的测评机构）");
    }

    private static ApprovalView View(MedGuard.Domain.Systems.GradingRecord g) => new(
        g.Approval.ToString(), g.ExpertReviewed, g.ExpertReviewedOn, g.ExpertReviewers, g.ApprovalRequestedOn, g.SupervisorApproved, g.SupervisorApprovedOn,
        g.ApprovalDecidedBy, g.ApprovalDecidedAt, g.ApprovalRefusalReason);

    private static ExtensionView View(DeadlineExtensionRequest e) => new(
        e.Id, e.RectificationId, e.RequestedBy, e.RequestedAt, e.Reason, e.CurrentDueOn, e.RequestedDueOn, e.Status.ToString(), e.DecidedBy, e.DecidedAt, e.DecisionNote);
}
