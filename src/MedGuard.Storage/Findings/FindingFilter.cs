using System.Linq.Expressions;
using MedGuard.Domain.Findings;

namespace MedGuard.Storage.Findings;

/// <summary>
/// Which stored findings a list shows (each filter optional): institution, asset, system, detector, severity, status,
/// only open, only overdue — one reading for the pages, the API and <c>medguard findings list</c>. The tenant filter of
/// the context still decides whose findings are there at all.
/// </summary>
public sealed record FindingFilter
{
    public Guid? Institution { get; init; }

    public Guid? Asset { get; init; }

    public Guid? System { get; init; }

    public string? Detector { get; init; }

    public Severity? Severity { get; init; }

    public FindingStatus? Status { get; init; }

    /// <summary>Only open findings past their 整改时限.</summary>
    public bool Overdue { get; init; }

    /// <summary>Only open findings (新发现, 已确认, 整改中).</summary>
    public bool OpenOnly { get; init; }

    /// <summary>Only findings this campaign's runs touched (检测任务计划, issue 14): applied with the context, see <c>CampaignFindings.FoundBy</c>.</summary>
    public Guid? Campaign { get; init; }

    /// <summary>With <see cref="Campaign"/>: only those it found new, fixed, or saw still open.</summary>
    public Campaigns.CampaignFinding? Found { get; init; }

    /// <summary>新发现, 已确认 or 整改中 (<see cref="FindingStatusNames.IsOpen"/>), as SQL.</summary>
    public static Expression<Func<FindingRecord, bool>> IsOpen { get; } =
        f => f.Status == FindingStatus.New || f.Status == FindingStatus.Confirmed || f.Status == FindingStatus.InRectification;

    /// <summary>Open and past its deadline on <paramref name="today"/>, as SQL.</summary>
    public static Expression<Func<FindingRecord, bool>> IsOverdue(DateOnly today) =>
        f => (f.Status == FindingStatus.New || f.Status == FindingStatus.Confirmed || f.Status == FindingStatus.InRectification)
            && f.DueOn != null && f.DueOn < today;

    public IQueryable<FindingRecord> Apply(IQueryable<FindingRecord> query, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Institution is { } institution)
        {
            query = query.Where(f => f.InstitutionId == institution);
        }

        if (Asset is { } asset)
        {
            query = query.Where(f => f.AssetId == asset);
        }

        if (System is { } system)
        {
            query = query.Where(f => f.SystemId == system);
        }

        if (!string.IsNullOrWhiteSpace(Detector))
        {
            var detector = Detector.Trim().ToLowerInvariant();
            query = query.Where(f => f.Detector == detector);
        }

        if (Severity is { } severity)
        {
            query = query.Where(f => f.Severity == severity);
        }

        if (Status is { } status)
        {
            query = query.Where(f => f.Status == status);
        }

        if (Overdue)
        {
            query = query.Where(IsOverdue(today));
        }
        else if (OpenOnly)
        {
            query = query.Where(IsOpen);
        }

        return query;
    }
}

/// <summary>Orderings of stored findings that the database can run.</summary>
public static class FindingOrder
{
    /// <summary>
    /// 高 before 中 before 低 before 信息. Severity is stored as its name, so ordering by the column would be
    /// alphabetical (Medium before High); the rank is computed in the query instead.
    /// </summary>
    public static IOrderedQueryable<FindingRecord> MostSevereFirst(this IQueryable<FindingRecord> query) =>
        query.OrderByDescending(f => f.Severity == Severity.High ? 3 : f.Severity == Severity.Medium ? 2 : f.Severity == Severity.Low ? 1 : 0);
}
