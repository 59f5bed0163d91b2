using MedGuard.Domain.Findings;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Campaigns;

/// <summary>What a campaign's runs did to a finding (the campaign page's links to the findings list, issue 14 §3).</summary>
public enum CampaignFinding
{
    New = 1,       // 新发现: first seen by one of the campaign's imports
    Fixed = 2,     // 已修复: closed by one of its imports (gone on an asset it covered completely)
    StillOpen = 3, // 仍未修复: seen again by it, found before, still open
}

/// <summary>The stored findings a campaign's imports (<c>CampaignTask.ImportId</c>) found, fixed or saw still open, as SQL.</summary>
public static class CampaignFindings
{
    public static string ToChinese(this CampaignFinding found) => found switch
    {
        CampaignFinding.New => "新发现",
        CampaignFinding.Fixed => "已修复",
        CampaignFinding.StillOpen => "仍未修复",
        _ => found.ToString(),
    };

    /// <summary>
    /// Narrows <paramref name="query"/> to the findings campaign <paramref name="campaignId"/> touched — or, with
    /// <paramref name="found"/>, to those it found new, fixed or saw still open. A new finding's first sighting is the
    /// import that created it (same instant as its FirstSeenAt). The campaign's tasks pass the context's tenant filter.
    /// </summary>
    public static IQueryable<FindingRecord> FoundBy(this IQueryable<FindingRecord> query, MedGuardDbContext db, Guid campaignId, CampaignFinding? found)
    {
        ArgumentNullException.ThrowIfNull(db);
        var imports = db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaignId && t.ImportId != null).Select(t => t.ImportId!.Value);
        var sightings = db.FindingSightings.AsNoTracking();
        return found switch
        {
            CampaignFinding.New => query.Where(f => sightings.Any(s => s.FindingId == f.Id && s.SeenAt == f.FirstSeenAt && imports.Contains(s.ImportId))),
            CampaignFinding.Fixed => query.Where(f => f.Status == FindingStatus.Fixed && f.FixedByImportId != null && imports.Contains(f.FixedByImportId.Value)),
            CampaignFinding.StillOpen => query.Where(f => (f.Status == FindingStatus.New || f.Status == FindingStatus.Confirmed || f.Status == FindingStatus.InRectification)
                && sightings.Any(s => s.FindingId == f.Id && imports.Contains(s.ImportId))
                && !sightings.Any(s => s.FindingId == f.Id && s.SeenAt == f.FirstSeenAt && imports.Contains(s.ImportId))),
            _ => query.Where(f => sightings.Any(s => s.FindingId == f.Id && imports.Contains(s.ImportId)) || (f.FixedByImportId != null && imports.Contains(f.FixedByImportId.Value))),
        };
    }
}
