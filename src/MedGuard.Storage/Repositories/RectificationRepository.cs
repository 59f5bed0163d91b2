using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Repositories;

/// <summary>Rectification tasks (整改): from assessment shortfalls or detection findings to a passed re-test.</summary>
public sealed class RectificationRepository(MedGuardDbContext db)
{
    private static readonly RectificationStatus[] OpenStatuses = [RectificationStatus.Open, RectificationStatus.InProgress];

    public async Task<RectificationItem> AddAsync(RectificationItem item, CancellationToken cancellationToken = default)
    {
        db.Rectifications.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    public Task<RectificationItem?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.Rectifications.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    public async Task<IReadOnlyList<RectificationItem>> ListForSystemAsync(Guid systemId, CancellationToken cancellationToken = default) =>
        await db.Rectifications.AsNoTracking().Where(r => r.SystemId == systemId)
            .OrderBy(r => r.DueOn).ThenBy(r => r.ItemCode).ToListAsync(cancellationToken);

    /// <summary>Tasks still to do (待整改 / 整改中), soonest due first.</summary>
    public async Task<IReadOnlyList<RectificationItem>> ListOpenAsync(CancellationToken cancellationToken = default) =>
        await db.Rectifications.AsNoTracking().Where(r => OpenStatuses.Contains(r.Status))
            .OrderBy(r => r.DueOn).ToListAsync(cancellationToken);

    /// <summary>Open tasks whose due date is before <paramref name="today"/>.</summary>
    public async Task<IReadOnlyList<RectificationItem>> ListOverdueAsync(DateOnly today, CancellationToken cancellationToken = default) =>
        await db.Rectifications.AsNoTracking()
            .Where(r => OpenStatuses.Contains(r.Status) && r.DueOn != null && r.DueOn < today)
            .OrderBy(r => r.DueOn).ToListAsync(cancellationToken);

    /// <summary>
    /// One task per 不符合 / 部分符合 item of the assessment that has no task yet (so running it twice adds nothing).
    /// <paramref name="title"/> names a task, e.g. from the catalog's control point; the item code otherwise.
    /// </summary>
    public async Task<IReadOnlyList<RectificationItem>> CreateFromAssessmentAsync(
        Guid assessmentId, DateOnly createdOn, DateOnly? dueOn, string? owner = null, Func<ItemResult, string>? title = null,
        CancellationToken cancellationToken = default)
    {
        var assessment = await db.Assessments.AsNoTracking().Include(a => a.Results).FirstOrDefaultAsync(a => a.Id == assessmentId, cancellationToken)
            ?? throw new KeyNotFoundException($"找不到测评记录 {assessmentId}（不存在或不在当前权限范围内）");
        var existing = await db.Rectifications.Where(r => r.AssessmentId == assessmentId && r.ItemCode != null)
            .Select(r => r.ItemCode!).ToListAsync(cancellationToken);
        var created = assessment.Results
            .Where(r => r.Result is ItemResultValue.NonConforming or ItemResultValue.PartiallyConforming && !existing.Contains(r.ItemCode))
            .OrderBy(r => r.ItemCode, StringComparer.Ordinal)
            .Select(r => new RectificationItem
            {
                SystemId = assessment.SystemId,
                AssessmentId = assessmentId,
                ItemCode = r.ItemCode,
                Title = title?.Invoke(r) ?? $"{r.ItemCode} {r.Result.ToChinese()}",
                Risk = r.Risk,
                Owner = owner,
                CreatedOn = createdOn,
                DueOn = dueOn,
            })
            .ToList();
        db.Rectifications.AddRange(created);
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    /// <summary>Moves a task on (整改中 / 已整改 / 风险接受), with the evidence of the fix.</summary>
    public async Task<RectificationItem> UpdateStatusAsync(Guid id, RectificationStatus status, string? fixEvidence = null, DateOnly? fixedOn = null, CancellationToken cancellationToken = default)
    {
        var item = await RequireAsync(id, cancellationToken);
        item.Status = status;
        item.FixEvidence = fixEvidence ?? item.FixEvidence;
        item.FixedOn = fixedOn ?? item.FixedOn;
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    /// <summary>Records a re-test (复测): passed → 复测通过; failed → back to 整改中.</summary>
    public async Task<RectificationItem> RecordRetestAsync(Guid id, DateOnly retestedOn, bool passed, string? note = null, CancellationToken cancellationToken = default)
    {
        var item = await RequireAsync(id, cancellationToken);
        item.RetestedOn = retestedOn;
        item.RetestPassed = passed;
        item.RetestNote = note;
        item.Status = passed ? RectificationStatus.Verified : RectificationStatus.InProgress;
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    private async Task<RectificationItem> RequireAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Rectifications.FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
        ?? throw new KeyNotFoundException($"找不到整改项 {id}（不存在或不在当前权限范围内）");
}
