using MedGuard.Domain.Assessment;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Repositories;

/// <summary>A 重大风险隐患 found by an assessment, with where it was found.</summary>
public sealed record MajorHazard(Guid SystemId, Guid AssessmentId, DateOnly AssessedOn, string ItemCode, ItemResultValue Result, string? Evidence);

/// <summary>Level assessments (等级测评) and their item results.</summary>
public sealed class AssessmentRepository(MedGuardDbContext db)
{
    public async Task<AssessmentRecord> AddAsync(AssessmentRecord assessment, CancellationToken cancellationToken = default)
    {
        foreach (var result in assessment.Results)
        {
            result.AssessmentId = assessment.Id;
        }

        db.Assessments.Add(assessment);
        await db.SaveChangesAsync(cancellationToken);
        return assessment;
    }

    /// <summary>The assessment with its item results in item-code order.</summary>
    public Task<AssessmentRecord?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.Assessments.Include(a => a.Results.OrderBy(r => r.ItemCode)).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);

    /// <summary>The system's assessments, newest first, without their results.</summary>
    public async Task<IReadOnlyList<AssessmentRecord>> ListForSystemAsync(Guid systemId, CancellationToken cancellationToken = default) =>
        await db.Assessments.AsNoTracking().Where(a => a.SystemId == systemId)
            .OrderByDescending(a => a.AssessedOn).ToListAsync(cancellationToken);

    public Task<AssessmentRecord?> LatestForSystemAsync(Guid systemId, CancellationToken cancellationToken = default) =>
        db.Assessments.AsNoTracking().Where(a => a.SystemId == systemId)
            .OrderByDescending(a => a.AssessedOn).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Records one item's result, replacing an earlier result for the same item.</summary>
    public async Task<ItemResult> SetResultAsync(Guid assessmentId, ItemResult result, CancellationToken cancellationToken = default)
    {
        if (!await db.Assessments.AnyAsync(a => a.Id == assessmentId, cancellationToken))
        {
            throw new KeyNotFoundException($"找不到测评记录 {assessmentId}（不存在或不在当前权限范围内）");
        }

        var existing = await db.ItemResults.FirstOrDefaultAsync(r => r.AssessmentId == assessmentId && r.ItemCode == result.ItemCode, cancellationToken);
        if (existing is null)
        {
            result.AssessmentId = assessmentId;
            db.ItemResults.Add(result);
            existing = result;
        }
        else
        {
            existing.Result = result.Result;
            existing.Evidence = result.Evidence;
            existing.Risk = result.Risk;
            existing.HighRiskCases = [.. result.HighRiskCases];
            existing.MajorHazard = result.MajorHazard;
        }

        await db.SaveChangesAsync(cancellationToken);
        return existing;
    }

    /// <summary>Stores the conclusion and score computed by the standards engine.</summary>
    public async Task SetConclusionAsync(Guid assessmentId, string template, string conclusion, double score, CancellationToken cancellationToken = default)
    {
        var assessment = await db.Assessments.FirstOrDefaultAsync(a => a.Id == assessmentId, cancellationToken)
            ?? throw new KeyNotFoundException($"找不到测评记录 {assessmentId}（不存在或不在当前权限范围内）");
        assessment.Template = template;
        assessment.Conclusion = conclusion;
        assessment.Score = score;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Every item marked 重大风险隐患, optionally for one system, newest assessment first.</summary>
    public async Task<IReadOnlyList<MajorHazard>> MajorHazardsAsync(Guid? systemId = null, CancellationToken cancellationToken = default)
    {
        var q = from r in db.ItemResults.AsNoTracking()
                join a in db.Assessments.AsNoTracking() on r.AssessmentId equals a.Id
                where r.MajorHazard
                select new { a.SystemId, AssessmentId = a.Id, a.AssessedOn, r.ItemCode, r.Result, r.Evidence };
        if (systemId is { } id)
        {
            q = q.Where(x => x.SystemId == id);
        }

        var rows = await q.OrderByDescending(x => x.AssessedOn).ThenBy(x => x.ItemCode).ToListAsync(cancellationToken);
        return [.. rows.Select(x => new MajorHazard(x.SystemId, x.AssessmentId, x.AssessedOn, x.ItemCode, x.Result, x.Evidence))];
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var assessment = await db.Assessments.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (assessment is null)
        {
            return false;
        }

        db.Assessments.Remove(assessment);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
