using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Sector;

/// <summary>
/// 行业态势预汇总（按位置）: findings of one institution and period counted per place — a website's origin for its
/// high-risk kinds, an app's package per risk kind (and in all, <see cref="Title"/> ""), an account per kind and
/// severity — for the dashboard's ranked lists (high-risk vulnerabilities with their server, the per-app table, the
/// account risks). Kept by <see cref="SectorTallies"/> with <see cref="SectorTally"/>.
/// </summary>
public sealed class SectorPlaceTally
{
    public string Period { get; set; } = "";

    public Guid InstitutionId { get; set; }

    /// <summary>The institution's 行政区划 code and tier, copied so the lists filter without a join.</summary>
    public string Region { get; set; } = "";

    public HospitalTier Tier { get; set; }

    public string Detector { get; set; } = "";

    public Severity Severity { get; set; }

    public string Title { get; set; } = "";

    public string Place { get; set; } = "";

    public long Count { get; set; }
}
