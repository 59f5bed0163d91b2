using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;

namespace MedGuard.Storage.Sector;

/// <summary>
/// The whole sector picture of the report's section 二 (DOMAIN.md §6 and §7) for one <see cref="SectorFilter"/> as the
/// viewer's tenant scope sees it: what remote detection found, the state of 等保 work, the survey, and the systems graded
/// too low. Plain records — the dashboard draws them, the export writes them, the situation report (issue 17) reads them.
/// </summary>
public sealed record SectorFigures
{
    public required SectorFilter Filter { get; init; }

    /// <summary>How the region rows group institutions: 2 province, 4 city, 6 county.</summary>
    public int RegionCodeLength { get; init; }

    public required DetectionFigures Detection { get; init; }

    /// <summary>定级率, 备案率, 三级系统测评率, 整改率, HIS 三级定级率 and the survey shares per tier, then the total (<see cref="GroupFigures.Tier"/> null).</summary>
    public required IReadOnlyList<GroupFigures> Tiers { get; init; }

    /// <summary>The same per region (<see cref="RegionCodeLength"/>).</summary>
    public required IReadOnlyList<GroupFigures> Regions { get; init; }

    public required GroupFigures Total { get; init; }

    public required UnderGradingFigures UnderGrading { get; init; }

    /// <summary>Nothing at all in the filter (no institution): the page says so instead of drawing zeros.</summary>
    public bool IsEmpty => Total.Institutions == 0;
}

/// <summary>One tier's or region's 等保 and survey figures (each with numerator, denominator and definition).</summary>
public sealed record GroupFigures(string Name, HospitalTier? Tier, string? Region, int Institutions, int Systems, IReadOnlyList<Figure> Figures)
{
    public Figure this[string key] => Figures.Single(f => f.Key == key);
}

/// <summary>What remote detection found (DOMAIN.md §6), from stored findings and imported runs.</summary>
public sealed record DetectionFigures
{
    /// <summary>Institutions with an imported run in the period / institutions in the filter.</summary>
    public required Figure UnitsTested { get; init; }

    public required Figure WebsitesTested { get; init; }

    public required Figure WebsitesWithFindings { get; init; }

    public required Figure DomainsWithFindings { get; init; }

    public required Figure HospitalsWithWebFindings { get; init; }

    /// <summary>Findings per detector (ports/web/apk/logic) and severity; key <c>detector:severity</c>.</summary>
    public required IReadOnlyList<SeverityCount> BySeverity { get; init; }

    /// <summary>Website vulnerabilities per kind (title), most first.</summary>
    public required IReadOnlyList<KindCount> WebKinds { get; init; }

    /// <summary>High-risk website vulnerabilities with the server (origin) each sits on.</summary>
    public required IReadOnlyList<KindCount> HighRiskOnServers { get; init; }

    public required Figure HighRiskServers { get; init; }

    public required PortFigures Ports { get; init; }

    public required Figure AppsTested { get; init; }

    public required Figure AppsWithRisks { get; init; }

    /// <summary>The report's per-app table of the 15 APK risk kinds (rows kinds, columns apps).</summary>
    public required ApkRiskTable ApkTable { get; init; }

    /// <summary>Official account / booking (logic) risks per account and kind.</summary>
    public required IReadOnlyList<KindCount> AccountRisks { get; init; }

    public required Figure AccountsWithRisks { get; init; }

    public required IReadOnlyList<TierDetection> ByTier { get; init; }

    /// <summary>New / fixed / still open by the campaign (null when there is none), and median days to fix.</summary>
    public CampaignTrend? Trend { get; init; }

    public long Count(string detector, Severity severity) =>
        BySeverity.Where(s => s.Detector == detector && s.Severity == severity).Sum(s => s.Count);
}

public sealed record SeverityCount(string Detector, Severity Severity, long Count, SectorDrill Drill);

/// <summary>A kind of finding (its title) with a place (an origin, an account) where the table needs one.</summary>
public sealed record KindCount(string Kind, Severity Severity, string? Place, long Count, SectorDrill Drill);

/// <summary>Open ports over servers (the report: 19 servers, 50 open ports, 17 distinct ports, 3 servers with high-risk ports).</summary>
public sealed record PortFigures
{
    public required Figure Servers { get; init; }

    public required Figure OpenPorts { get; init; }

    public required Figure DistinctPorts { get; init; }

    public required Figure ServersWithHighRiskPorts { get; init; }

    /// <summary>Open ports per server (OpenPorts / Servers), one decimal.</summary>
    public double PortsPerServer => Servers.Numerator == 0 ? 0 : Math.Round((double)OpenPorts.Numerator / Servers.Numerator, 1);

    /// <summary>Each port with the number of servers it is open on, most first.</summary>
    public required IReadOnlyList<Tally> PerPort { get; init; }
}

/// <summary>Rows = the 15 risk kinds (report order, then any other), columns = apps (packages), cells = findings.</summary>
public sealed record ApkRiskTable(IReadOnlyList<string> Kinds, IReadOnlyList<string> Apps, IReadOnlyList<IReadOnlyList<long>> Counts)
{
    public long Cell(string kind, string app) => Counts[Kinds.ToList().IndexOf(kind)][Apps.ToList().IndexOf(app)];
}

/// <summary>One tier's detection: units tested and findings by severity.</summary>
public sealed record TierDetection(HospitalTier Tier, long UnitsTested, long Institutions, long High, long Medium, long Low);

/// <summary>What one campaign's runs did against what was known before it, and how long fixing took.</summary>
public sealed record CampaignTrend(Guid Campaign, string CampaignName, Figure New, Figure Fixed, Figure StillOpen, IReadOnlyList<FixTime> MedianDaysToFix);

/// <summary>Median days from first seen to fixed, per severity, over the findings the campaign found fixed.</summary>
public sealed record FixTime(Severity Severity, long Fixed, double? MedianDays);

/// <summary>定级偏低: systems graded below the level the rules (MedGuard.Standards, Grading/Data/under-grading.yaml) suggest.</summary>
public sealed record UnderGradingFigures(IReadOnlyList<Tally> PerTier, Figure Total, IReadOnlyList<UnderGradedSystem> Systems);

public sealed record UnderGradedSystem(Guid SystemId, string SystemName, Guid InstitutionId, string InstitutionName, HospitalTier Tier, string Region,
    Domain.Systems.ProtectionLevel Graded, Domain.Systems.ProtectionLevel Suggested, IReadOnlyList<string> Rules);
