using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Statistics;

/// <summary>
/// The seed's lifecycle rates for one group of institutions — a hospital tier, or a region — or for all (both keys
/// null). Denominators are our
/// documented choice — the seed gives the rates, not their formulas:
/// 定级率 = graded systems / all systems; 备案率 = systems whose filing has a 备案证明 (number and issue date recorded;
/// a filing merely 已提交 does not count) / all systems (so it never exceeds 定级率, as in the seed's 57.6 % / 53.2 %);
/// 三级系统测评率 = level ≥ 3 systems with a concluded 等级测评 by an agency dated no later than today (in the window, if one
/// is asked; a hospital's 自查 never counts) / level ≥ 3 systems; 整改率 = systems whose rectification tasks are all closed (已整改, 复测通过 or 风险接受) / systems
/// with any rectification task; HIS 三级定级率 = HIS graded level ≥ 3 / all HIS.
/// </summary>
public sealed record LifecycleStatistics
{
    /// <summary>The tier grouped by (null when grouped by region, or for a total).</summary>
    public HospitalTier? Tier { get; init; }

    /// <summary>The region prefix grouped by (null when grouped by tier, or for a total).</summary>
    public string? Region { get; init; }

    public int Institutions { get; init; }

    public int Systems { get; init; }

    public int Graded { get; init; }

    public int Filed { get; init; }

    public int Level3OrAbove { get; init; }

    public int Level3OrAboveAssessed { get; init; }

    public int NeedingRectification { get; init; }

    public int Rectified { get; init; }

    public int His { get; init; }

    public int HisLevel3OrAbove { get; init; }

    /// <summary>定级率.</summary>
    public Share GradingRate => new(Graded, Systems);

    /// <summary>备案率.</summary>
    public Share FilingRate => new(Filed, Systems);

    /// <summary>三级系统测评率.</summary>
    public Share AssessmentRate => new(Level3OrAboveAssessed, Level3OrAbove);

    /// <summary>整改率.</summary>
    public Share RectificationRate => new(Rectified, NeedingRectification);

    /// <summary>HIS 三级定级率.</summary>
    public Share HisLevel3Rate => new(HisLevel3OrAbove, His);

    /// <summary>Sums rows into one (tier and region null).</summary>
    public static LifecycleStatistics Total(IEnumerable<LifecycleStatistics> rows) => rows.Aggregate(new LifecycleStatistics(), (sum, r) => sum with
    {
        Institutions = sum.Institutions + r.Institutions,
        Systems = sum.Systems + r.Systems,
        Graded = sum.Graded + r.Graded,
        Filed = sum.Filed + r.Filed,
        Level3OrAbove = sum.Level3OrAbove + r.Level3OrAbove,
        Level3OrAboveAssessed = sum.Level3OrAboveAssessed + r.Level3OrAboveAssessed,
        NeedingRectification = sum.NeedingRectification + r.NeedingRectification,
        Rectified = sum.Rectified + r.Rectified,
        His = sum.His + r.His,
        HisLevel3OrAbove = sum.HisLevel3OrAbove + r.HisLevel3OrAbove,
    });
}
