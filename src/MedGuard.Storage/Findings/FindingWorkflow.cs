using MedGuard.Domain.Findings;
using MedGuard.Domain.Platform;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Findings;

/// <summary>Who moves a finding: the name the history shows and, when logged in, the user.</summary>
public sealed record FindingActor(string Name, Guid? UserId = null);

/// <summary>A status change the workflow refuses (forbidden move, missing reason, not this role's); nothing was written.</summary>
public sealed class FindingWorkflowException(string message) : Exception(message);

/// <summary>
/// Status changes of stored findings by people (issue 12 §3): 确认, 开始整改, 标记已修复 (the hospital or its assessor),
/// 风险接受（至某日）and 误报 (only a regulator, an assessor or the system, always with a reason), 重新打开; and the
/// expiry of risk acceptances. Who may act follows the context's tenant scope; the save guard enforces the same
/// again. Each change writes a <see cref="FindingStatusChange"/> and returns it for the audit trail.
/// </summary>
public sealed class FindingWorkflow(MedGuardDbContext db, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>新发现 → 已确认.</summary>
    public Task<FindingStatusChange> ConfirmAsync(Guid findingId, FindingActor actor, string? reason = null, CancellationToken cancellationToken = default) =>
        MoveAsync(findingId, actor, FindingStatus.Confirmed, reason, [FindingStatus.New], f => { }, cancellationToken);

    /// <summary>新发现 / 已确认 → 整改中 (the hospital, its assessor, the system).</summary>
    public Task<FindingStatusChange> StartRectificationAsync(Guid findingId, FindingActor actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        RequireNot(TenantKind.Regulator, "开始整改由医疗机构或其测评机构操作");
        return MoveAsync(findingId, actor, FindingStatus.InRectification, reason, [FindingStatus.New, FindingStatus.Confirmed], f => { }, cancellationToken);
    }

    /// <summary>An open finding → 已修复 by a person (a later run that sees it again reopens it).</summary>
    public Task<FindingStatusChange> MarkFixedAsync(Guid findingId, FindingActor actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        RequireNot(TenantKind.Regulator, "标记已修复由医疗机构或其测评机构操作");
        var now = _clock.GetUtcNow();
        return MoveAsync(findingId, actor, FindingStatus.Fixed, reason, Open, f =>
        {
            f.FixedAt = now;
            f.FixedByImportId = null;
        }, cancellationToken);
    }

    /// <summary>An open finding → 风险接受 until a day (China time, inclusive); a regulator, an assessor or the system, with a reason.</summary>
    public Task<FindingStatusChange> AcceptRiskAsync(Guid findingId, DateOnly until, string reason, FindingActor actor, CancellationToken cancellationToken = default)
    {
        RequireReviewer("风险接受");
        RequireReason(reason, "风险接受");
        var today = ChinaStandardTime.DateOf(_clock.GetUtcNow());
        if (until < today)
        {
            throw new FindingWorkflowException($"风险接受的截止日期 {until:yyyy-MM-dd} 已过（今天是 {today:yyyy-MM-dd}）");
        }

        return MoveAsync(findingId, actor, FindingStatus.RiskAccepted, reason, Open, f => f.AcceptedUntil = until, cancellationToken);
    }

    /// <summary>Any finding not already one → 误报; a regulator, an assessor or the system, with a reason.</summary>
    public Task<FindingStatusChange> MarkFalsePositiveAsync(Guid findingId, string reason, FindingActor actor, CancellationToken cancellationToken = default)
    {
        RequireReviewer("标记误报");
        RequireReason(reason, "标记误报");
        return MoveAsync(
            findingId, actor, FindingStatus.FalsePositive, reason,
            [FindingStatus.New, FindingStatus.Confirmed, FindingStatus.InRectification, FindingStatus.Fixed, FindingStatus.RiskAccepted],
            f => f.AcceptedUntil = null, cancellationToken);
    }

    /// <summary>已修复 / 风险接受 / 误报 → 新发现 (or 整改中 when it has a rectification item), with a reason.</summary>
    public Task<FindingStatusChange> ReopenAsync(Guid findingId, string reason, FindingActor actor, CancellationToken cancellationToken = default)
    {
        RequireReason(reason, "重新打开");
        return MoveAsync(findingId, actor, null, reason, [FindingStatus.Fixed, FindingStatus.RiskAccepted, FindingStatus.FalsePositive], f =>
        {
            f.AcceptedUntil = null;
            f.FixedAt = null;
            f.FixedByImportId = null;
            f.ReopenCount++;
        }, cancellationToken);
    }

    /// <summary>
    /// Turns every risk acceptance that ended before <paramref name="now"/>'s day (China time) back to 已确认, with a
    /// change record each; returns them for the audit trail.
    /// </summary>
    public async Task<IReadOnlyList<FindingStatusChange>> ExpireAcceptancesAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var today = ChinaStandardTime.DateOf(now);
        var expired = await db.Findings.Where(f => f.Status == FindingStatus.RiskAccepted && f.AcceptedUntil != null && f.AcceptedUntil < today)
            .ToListAsync(cancellationToken);
        var changes = new List<FindingStatusChange>();
        foreach (var finding in expired)
        {
            var reason = $"风险接受已于 {finding.AcceptedUntil:yyyy-MM-dd} 到期";
            finding.Status = FindingStatus.Confirmed;
            finding.StatusReason = reason;
            finding.AcceptedUntil = null;
            changes.Add(new FindingStatusChange
            {
                FindingId = finding.Id,
                InstitutionId = finding.InstitutionId,
                From = FindingStatus.RiskAccepted,
                To = FindingStatus.Confirmed,
                At = now,
                ByName = "系统（风险接受到期）",
                Reason = reason,
            });
        }

        db.FindingStatusChanges.AddRange(changes);
        await db.SaveChangesAsync(cancellationToken);
        return changes;
    }

    private static readonly FindingStatus[] Open = [FindingStatus.New, FindingStatus.Confirmed, FindingStatus.InRectification];

    private async Task<FindingStatusChange> MoveAsync(
        Guid findingId, FindingActor actor, FindingStatus? to, string? reason, FindingStatus[] from, Action<FindingRecord> apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(actor.Name))
        {
            throw new FindingWorkflowException("状态变更必须记录操作人");
        }

        var finding = await db.Findings.FirstOrDefaultAsync(f => f.Id == findingId, ct)
            ?? throw new FindingWorkflowException($"找不到检测发现 {findingId}（不存在或不在当前权限范围内）");
        var target = to ?? (finding.RectificationItemId is null ? FindingStatus.New : FindingStatus.InRectification);
        if (!from.Contains(finding.Status))
        {
            throw new FindingWorkflowException(
                $"检测发现当前为“{finding.Status.ToChinese()}”，不能改为“{target.ToChinese()}”（只能从 {string.Join("、", from.Select(s => s.ToChinese()))} 改为该状态）");
        }

        var change = new FindingStatusChange
        {
            FindingId = finding.Id,
            InstitutionId = finding.InstitutionId,
            From = finding.Status,
            To = target,
            At = _clock.GetUtcNow(),
            ByUserId = actor.UserId,
            ByName = actor.Name.Length <= 100 ? actor.Name : actor.Name[..100],
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
        };
        finding.Status = target;
        finding.StatusReason = change.Reason;
        apply(finding);
        db.FindingStatusChanges.Add(change);
        await db.SaveChangesAsync(ct);
        return change;
    }

    /// <summary>风险接受 and 误报 are a regulator's or an assessor's call (issue 12 §3), never the hospital's own.</summary>
    private void RequireReviewer(string action)
    {
        if (db.Scope.Kind is not (TenantKind.Regulator or TenantKind.Agency or TenantKind.System))
        {
            throw new FindingWorkflowException($"{action}须由监管部门或测评机构确认，医疗机构不能自行{action}");
        }
    }

    private void RequireNot(TenantKind kind, string message)
    {
        if (db.Scope.Kind == kind)
        {
            throw new FindingWorkflowException(message);
        }
    }

    private static void RequireReason(string? reason, string action)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new FindingWorkflowException($"{action}必须填写理由");
        }
    }
}
