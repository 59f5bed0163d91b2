using System.Text.RegularExpressions;
using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Findings;

/// <summary>One proposal with the finding behind it.</summary>
public sealed record FindingProposal(AssessmentFindingProposal Proposal, FindingRecord Finding);

/// <summary>The proposals for one GB/T 22239 item: the open findings bearing on it, and the high-risk cases they flag.</summary>
public sealed record FindingProposalGroup(string ItemCode, IReadOnlyList<FindingProposal> Proposals)
{
    public IReadOnlyList<string> HighRiskCases => [.. Proposals.SelectMany(p => p.Finding.HighRiskCaseList).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

/// <summary>
/// Issue 12 §5: for a system under assessment, the open findings on its assets pre-fill proposals for the GB/T 22239
/// items they cite (their GB/T 28448 unit codes) and flag their high-risk cases; the assessor accepts or rejects
/// each. Accepting records the decision only — the item's result is entered explicitly by the caller, never silently.
/// </summary>
public static partial class FindingProposals
{
    /// <summary>Where a finding cites no item: still shown to the assessor, under this heading.</summary>
    public const string Unassigned = "未关联测评项";

    /// <summary>
    /// The proposals of an assessment, grouped by item code: missing ones (an open finding × each item it cites) are
    /// created Pending and saved; decided ones keep their decision.
    /// </summary>
    public static async Task<IReadOnlyList<FindingProposalGroup>> ForAsync(MedGuardDbContext db, Guid assessmentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var systemId = await db.Assessments.Where(a => a.Id == assessmentId).Select(a => (Guid?)a.SystemId).FirstOrDefaultAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"找不到测评记录 {assessmentId}（不存在或不在当前权限范围内）");
        var findings = await db.Findings.AsNoTracking()
            .Where(f => f.SystemId == systemId).Where(FindingFilter.IsOpen)
            .ToListAsync(cancellationToken);
        var existing = await db.FindingProposals.Where(p => p.AssessmentId == assessmentId).ToListAsync(cancellationToken);
        var have = existing.Select(p => (p.FindingId, p.ItemCode)).ToHashSet();
        foreach (var finding in findings)
        {
            foreach (var code in ItemCodesOf(finding))
            {
                if (have.Add((finding.Id, code)))
                {
                    var proposal = new AssessmentFindingProposal
                    {
                        AssessmentId = assessmentId,
                        FindingId = finding.Id,
                        ItemCode = code,
                        HighRiskCases = finding.HighRiskCases,
                    };
                    db.FindingProposals.Add(proposal);
                    existing.Add(proposal);
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var byId = findings.ToDictionary(f => f.Id);
        return [.. existing
            .Where(p => byId.ContainsKey(p.FindingId))
            .GroupBy(p => p.ItemCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key == Unassigned ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FindingProposalGroup(g.Key, [.. g.Select(p => new FindingProposal(p, byId[p.FindingId])).OrderByDescending(p => p.Finding.Severity)]))];
    }

    /// <summary>Records the assessor's decision on one proposal (采纳 / 不采纳); writes no item result.</summary>
    public static async Task<AssessmentFindingProposal> DecideAsync(
        MedGuardDbContext db, Guid proposalId, ProposalDecision decision, string decidedBy, DateTimeOffset at, string? note = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(decidedBy);
        if (decision == ProposalDecision.Pending)
        {
            throw new ArgumentException("决定应为采纳或不采纳", nameof(decision));
        }

        var proposal = await db.FindingProposals.FirstOrDefaultAsync(p => p.Id == proposalId, cancellationToken)
            ?? throw new KeyNotFoundException($"找不到测评建议 {proposalId}（不存在或不在当前权限范围内）");
        proposal.Decision = decision;
        proposal.DecidedBy = decidedBy;
        proposal.DecidedAt = at;
        proposal.Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        await db.SaveChangesAsync(cancellationToken);
        return proposal;
    }

    /// <summary>The item codes a finding cites: GB/T 28448 unit codes as they are, other references (clauses) verbatim.</summary>
    public static IReadOnlyList<string> ItemCodesOf(FindingRecord finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var codes = finding.StandardRefList
            .Select(r => UnitCode().Match(r) is { Success: true } m ? m.Value : r)
            .Select(r => r.Length <= 64 ? r : r[..64])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return codes.Count == 0 ? [Unassigned] : codes;
    }

    [GeneratedRegex(@"\bL[1-5]-[A-Z]{3}\d-\d{2,3}\b")]
    private static partial Regex UnitCode();
}
