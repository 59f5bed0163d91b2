namespace MedGuard.Reports.Inputs;

/// <summary>
/// The regulator's situation report (态势报告) for a region and a period: every figure with its numerator, denominator
/// and definition, so the report prints what was counted and never only a percentage. Filled by the server from the
/// sector dashboard's figures (an adapter there); the library does not know where they come from.
/// </summary>
public sealed record SituationReportInput
{
    public required string RegionName { get; init; }

    public required string RegionCode { get; init; }

    public required DateOnly PeriodStart { get; init; }

    public required DateOnly PeriodEnd { get; init; }

    public required DateOnly IssuedOn { get; init; }

    public required string Issuer { get; init; }

    public int Institutions { get; init; }

    public int Systems { get; init; }

    /// <summary>The region's totals.</summary>
    public IReadOnlyList<SituationFigure> Totals { get; init; } = [];

    /// <summary>One group per hospital tier (三甲, 普通三级, 二级…).</summary>
    public IReadOnlyList<SituationGroup> Tiers { get; init; } = [];

    /// <summary>One group per sub-region.</summary>
    public IReadOnlyList<SituationGroup> Regions { get; init; } = [];

    /// <summary>Institutions ranked (appendix).</summary>
    public IReadOnlyList<InstitutionRanking> Rankings { get; init; } = [];

    /// <summary>The rule the ranking uses, printed with the appendix.</summary>
    public string RankingRule { get; init; } = "";

    public bool HasData => Institutions > 0;
}

/// <summary>A figure: <see cref="Count"/> of <see cref="Total"/>, named and defined (e.g. 定级率 = 已定级系统数 / 系统总数).</summary>
public sealed record SituationFigure(string Key, string Name, int Count, int Total, string Definition)
{
    /// <summary>The rate in percent, one decimal; null when there is nothing to count.</summary>
    public double? Percent => Total == 0 ? null : Math.Round(100.0 * Count / Total, 1);
}

public sealed record SituationGroup(string Name, int Institutions, int Systems, IReadOnlyList<SituationFigure> Figures)
{
    public SituationFigure? Figure(string key) => Figures.FirstOrDefault(f => f.Key == key);
}

/// <summary>One institution's line of the ranking appendix.</summary>
public sealed record InstitutionRanking(string Name, string Tier, string Region, int Systems, int Graded, int Filed, int Level3, int Level3Assessed, int OpenHighFindings, double Score);
