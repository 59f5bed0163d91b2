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

    /// <summary>What remote detection found in the period (ports, websites, apps, official accounts); null when no detection run was imported.</summary>
    public SituationDetection? Detection { get; init; }

    public bool HasData => Institutions > 0;
}

/// <summary>
/// Remote technical detection in the region and period, as the sector report's 技术检测 part tells it (DOMAIN.md §6):
/// units tested, open and high-risk ports of servers, website vulnerabilities by severity and kind, app risks per app
/// (the 15 kinds), official-account risks. Every count comes from stored findings and runs (the dashboard's figures).
/// </summary>
public sealed record SituationDetection
{
    /// <summary>The headline counts (检测单位、服务器、开放端口、网站、APP、公众号…), each defined.</summary>
    public IReadOnlyList<SituationCount> Figures { get; init; } = [];

    /// <summary>Findings per detector and severity.</summary>
    public IReadOnlyList<SituationSeverity> BySeverity { get; init; } = [];

    /// <summary>Website vulnerability kinds with their severity and count, most first.</summary>
    public IReadOnlyList<SituationKind> WebKinds { get; init; } = [];

    /// <summary>Each open port with the number of servers it is open on.</summary>
    public IReadOnlyList<SituationCount> PerPort { get; init; } = [];

    /// <summary>Rows = app risk kinds (the report's 15 first), columns = apps, cells = occurrences.</summary>
    public IReadOnlyList<string> AppRiskKinds { get; init; } = [];

    public IReadOnlyList<string> Apps { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<long>> AppRiskCounts { get; init; } = [];

    /// <summary>Official-account / booking-service risks by kind.</summary>
    public IReadOnlyList<SituationKind> AccountRisks { get; init; } = [];

    public bool HasRuns => Figures.Any(f => f.Key == "unitsTested" && f.Count > 0);
}

/// <summary>A count (with its denominator when it is a share), named and defined.</summary>
public sealed record SituationCount(string Key, string Name, long Count, long? Total, string Definition);

/// <summary>One detector's findings by severity (高/中/低).</summary>
public sealed record SituationSeverity(string Detector, long High, long Medium, long Low)
{
    public long Total => High + Medium + Low;
}

/// <summary>A finding kind with its severity (高/中/低) and count.</summary>
public sealed record SituationKind(string Kind, string Severity, long Count);

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
