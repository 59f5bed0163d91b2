namespace MedGuard.Storage.Sector;

/// <summary>
/// One number of the sector picture with what it counts: <see cref="Numerator"/> out of <see cref="Denominator"/>
/// (null for a plain count), and its definition in words (口径) as the page shows it under the figure.
/// </summary>
public sealed record Figure(string Key, string Label, long Numerator, long? Denominator, string Definition, SectorDrill Drill)
{
    /// <summary>Numerator / Denominator (0–1), or null for a plain count or an empty denominator (a rate of nothing is not 0 %).</summary>
    public double? Rate => Denominator is > 0 ? (double)Numerator / Denominator.Value : null;

    /// <summary>The rate in percent with one decimal, or null.</summary>
    public double? Percent => Rate is { } r ? Math.Round(100 * r, 1) : null;
}

/// <summary>One counted group (a severity, a kind, a port, an account…) and the drill-down to what it counts.</summary>
public sealed record Tally(string Key, string Label, long Count, SectorDrill Drill);

/// <summary>
/// What a figure counts, as the institutions behind it (drill-down): all institutions of the filter, those tested by a
/// detector, those with matching findings, those with systems graded too low.
/// </summary>
public sealed record SectorDrill
{
    public SectorDrillKind Kind { get; init; } = SectorDrillKind.Institutions;

    public string? Detector { get; init; }

    public MedGuard.Domain.Findings.Severity? Severity { get; init; }

    /// <summary>A finding kind (its title, as the report names kinds).</summary>
    public string? Title { get; init; }

    public int? Port { get; init; }

    public string? Package { get; init; }

    public string? Account { get; init; }

    public static SectorDrill All { get; } = new();

    public static SectorDrill Tested(string? detector) => new() { Kind = SectorDrillKind.Tested, Detector = detector };

    public static SectorDrill Findings(string? detector = null) => new() { Kind = SectorDrillKind.Findings, Detector = detector };

    public static SectorDrill UnderGraded { get; } = new() { Kind = SectorDrillKind.UnderGraded };
}

public enum SectorDrillKind
{
    Institutions = 0, // 全部机构
    Tested = 1,       // 期间内有检测导入的机构
    Findings = 2,     // 有符合条件的检测发现的机构
    UnderGraded = 3,  // 有定级偏低系统的机构
}
