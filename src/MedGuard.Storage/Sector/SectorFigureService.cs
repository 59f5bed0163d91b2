using System.Globalization;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Systems;
using MedGuard.Standards.Grading;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Statistics;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Sector;

/// <summary>
/// Computes <see cref="SectorFigures"/> from the database for a <see cref="SectorFilter"/>, through the context's tenant
/// filters (the viewer's scope: a district gets its district, a hospital itself). Every figure is one indexed aggregate
/// query (GROUP BY / COUNT DISTINCT in the database); only the medians of days to fix and the 定级偏低 rules are worked
/// out here, over narrow rows. One service for the dashboard, its export and the situation report.
/// </summary>
public sealed class SectorFigureService(MedGuardDbContext db)
{
    /// <summary>Most rows a long list keeps (kinds, ports, accounts, apps); the drill-down lists all.</summary>
    public const int ListLimit = 50;

    private const string Ports = "ports", Web = "web", Apk = "apk", Logic = "logic";

    private static readonly Severity[] Graded = [Severity.High, Severity.Medium, Severity.Low];

    public async Task<SectorFigures> ComputeAsync(SectorFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var detection = await DetectionAsync(filter, cancellationToken);
        var (tiers, regions, total, codeLength) = await LifecycleAsync(filter, cancellationToken);
        var under = await UnderGradingAsync(filter, cancellationToken);
        return new SectorFigures
        {
            Filter = filter,
            RegionCodeLength = codeLength,
            Detection = detection,
            Tiers = tiers,
            Regions = regions,
            Total = total,
            UnderGrading = under,
        };
    }

    /// <summary>The institutions of the filter (region prefix, tier) within the tenant scope.</summary>
    public IQueryable<Institution> Institutions(SectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var institutions = db.Institutions.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region))
        {
            institutions = institutions.Where(i => i.Region.StartsWith(filter.Region));
        }

        if (filter.Tier is { } tier)
        {
            institutions = institutions.Where(i => i.Tier == tier);
        }

        return institutions;
    }

    /// <summary>The findings of the filter: of its institutions, present in the period (first seen before its end, last seen after its start).</summary>
    public IQueryable<FindingRecord> Findings(SectorFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var findings = db.Findings.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            findings = findings.Where(f => institutions.Contains(f.InstitutionId));
        }

        if (filter.FromInstant is { } from)
        {
            findings = findings.Where(f => f.LastSeenAt >= from);
        }

        if (filter.ToInstantExclusive is { } to)
        {
            findings = findings.Where(f => f.FirstSeenAt < to);
        }

        return findings;
    }

    /// <summary>The imported runs of the filter (started in the period).</summary>
    public IQueryable<DetectionImport> Imports(SectorFilter filter, string? detector = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var imports = db.DetectionImports.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            imports = imports.Where(d => institutions.Contains(d.InstitutionId));
        }

        if (detector is not null)
        {
            imports = imports.Where(d => d.Detector == detector);
        }

        if (filter.FromInstant is { } from)
        {
            imports = imports.Where(d => d.StartedAt >= from);
        }

        if (filter.ToInstantExclusive is { } to)
        {
            imports = imports.Where(d => d.StartedAt < to);
        }

        return imports;
    }

    /// <summary>The institutions behind a figure (drill-down), same filter.</summary>
    public async Task<IQueryable<Institution>> InstitutionsBehindAsync(SectorFilter filter, SectorDrill drill, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var institutions = Institutions(filter);
        switch (drill.Kind)
        {
            case SectorDrillKind.Tested:
                var tested = Imports(filter, drill.Detector).Select(d => d.InstitutionId);
                return institutions.Where(i => tested.Contains(i.Id));
            case SectorDrillKind.Findings:
                var found = MatchingFindings(filter, drill).Select(f => f.InstitutionId);
                return institutions.Where(i => found.Contains(i.Id));
            case SectorDrillKind.UnderGraded:
                // The rules run in memory; the ids come from the same computation as the count.
                var ids = (await UnderGradedSystemsAsync(filter, cancellationToken)).Select(s => s.InstitutionId).Distinct().ToList();
                return institutions.Where(i => ids.Contains(i.Id));
            default:
                return institutions;
        }
    }

    /// <summary>The findings a drill-down names (detector, severity, kind, port, app, account), same filter.</summary>
    public IQueryable<FindingRecord> MatchingFindings(SectorFilter filter, SectorDrill drill)
    {
        ArgumentNullException.ThrowIfNull(drill);
        var findings = Findings(filter);
        if (drill.Detector is { } detector)
        {
            findings = findings.Where(f => f.Detector == detector);
        }

        if (drill.Severity is { } severity)
        {
            findings = findings.Where(f => f.Severity == severity);
        }

        if (drill.Title is { } title)
        {
            findings = findings.Where(f => f.Title == title);
        }

        if (drill.Port is { } port)
        {
            findings = findings.Where(f => f.Port == port);
        }

        if (drill.Package is { } package)
        {
            findings = findings.Where(f => f.Package == package);
        }

        if (drill.Account is { } account)
        {
            findings = findings.Where(f => f.Account == account);
        }

        return findings;
    }

    /// <summary>The detection figures alone (each query tagged <c>figure:NAME</c> for bench/dashboard), with the campaign trend.</summary>
    public async Task<DetectionFigures> DetectionAsync(SectorFilter filter, CancellationToken ct = default) =>
        await DetectionWithoutTrendAsync(filter, ct) with { Trend = await TrendAsync(filter, ct) };

    /// <summary>
    /// The detection figures without the trend. From the pre-aggregate (<see cref="SectorTallies"/>) when it can answer
    /// exactly — the whole country or a province, seen by the system or a regulator, for all time or a period the stored
    /// periods (a calendar year) match — otherwise from the findings themselves (a city, a county, a hospital: few rows).
    /// Both ways count the same things the same way.
    /// </summary>
    public async Task<DetectionFigures> DetectionWithoutTrendAsync(SectorFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var period = await TallyPeriodAsync(filter, ct);
        var counts = period is null ? await CountFindingsAsync(filter, ct) : await CountTallyAsync(filter, period, ct);
        return Figures(counts);
    }

    /// <summary>
    /// The stored period that counts exactly what <paramref name="filter"/> asks, or null when none does (then the
    /// findings are counted). All time answers a filter without dates; a calendar year answers dates inside it when no
    /// finding was first seen after the filter's end and none last seen before its start within that year, and no run
    /// started in the year outside the dates (the all-time day markers say so) — then the year holds exactly the
    /// filter's findings and runs.
    /// </summary>
    private async Task<string?> TallyPeriodAsync(SectorFilter filter, CancellationToken ct)
    {
        var scope = db.Scope;
        if (scope.Kind is not (TenantKind.System or TenantKind.Regulator) || scope.Region.Length > 2 || (filter.Region?.Length ?? 0) > 2
            || !await SectorTallies.IsBuiltAsync(db, ct))
        {
            return null;
        }

        if (filter.From is null && filter.To is null)
        {
            return SectorTallies.AllTime;
        }

        var sameYear = filter.From is { } f && filter.To is { } t && f.Year == t.Year;
        var period = sameYear ? filter.From!.Value.Year.ToString(CultureInfo.InvariantCulture) : SectorTallies.AllTime;
        string? Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var from = Day(filter.From);
        var to = Day(filter.To);
        var start = sameYear ? Day(new DateOnly(filter.From!.Value.Year, 1, 1)) : null;
        var end = sameYear ? Day(new DateOnly(filter.From!.Value.Year, 12, 31)) : null;
        var markers = db.SectorTallies.AsNoTracking().Where(m => m.Period == SectorTallies.AllTime && m.Count != 0);
        var later = to is not null && await markers.TagWith("figure:period").AnyAsync(m => (m.Measure == SectorTallies.FirstDay || m.Measure == SectorTallies.ImportDay)
            && string.Compare(m.Title, to) > 0 && (end == null || string.Compare(m.Title, end) <= 0), ct);
        var earlier = !later && from is not null && await markers.TagWith("figure:period").AnyAsync(m => (m.Measure == SectorTallies.LastDay || m.Measure == SectorTallies.ImportDay)
            && string.Compare(m.Title, from) < 0 && (start == null || string.Compare(m.Title, start) >= 0), ct);
        return later || earlier ? null : period;
    }

    /// <summary>The numbers behind the detection figures, however counted.</summary>
    private sealed record DetectionCounts
    {
        public long Institutions { get; init; }

        public long UnitsTested { get; init; }

        public required IReadOnlyList<(string Detector, Severity Severity, long Count)> Severities { get; init; }

        public long WebsitesTested { get; init; }

        public long WebsitesWithFindings { get; init; }

        public long Domains { get; init; }

        public long WebHospitals { get; init; }

        public required IReadOnlyList<(string Title, Severity Severity, long Count)> Kinds { get; init; }

        public required IReadOnlyList<(string Title, string? Origin, long Count)> HighOnServers { get; init; }

        public long HighServers { get; init; }

        public long Servers { get; init; }

        public long OpenPorts { get; init; }

        public long DistinctPorts { get; init; }

        public long HighPortServers { get; init; }

        public required IReadOnlyList<(int Port, long Servers)> PerPort { get; init; }

        public long AppsTested { get; init; }

        public long AppsWithRisks { get; init; }

        public required IReadOnlyList<string> TopApps { get; init; }

        public required IReadOnlyList<(string Title, string Package, long Count)> Cells { get; init; }

        public required IReadOnlyList<(string Account, string Title, Severity Severity, long Count)> AccountRisks { get; init; }

        public long Accounts { get; init; }

        public required IReadOnlyList<(HospitalTier Tier, long Count)> TierInstitutions { get; init; }

        public required IReadOnlyList<(HospitalTier Tier, long Count)> TierTested { get; init; }

        public required IReadOnlyList<(HospitalTier Tier, Severity Severity, long Count)> TierFindings { get; init; }
    }

    /// <summary>
    /// Counts from the pre-aggregate: one read of the province rows of the period (a few thousand for the whole country)
    /// summed here, the ranked lists from the place rows, the website and app assets of tested institutions from the
    /// inventory (it changes without an import).
    /// </summary>
    private async Task<DetectionCounts> CountTallyAsync(SectorFilter filter, string period, CancellationToken ct)
    {
        var tierInstitutions = await TierInstitutionsAsync(filter, ct);
        var rows = db.SectorTallies.AsNoTracking().Where(t => t.Period == period && t.Count != 0 && t.Region != "");
        var places = db.SectorPlaceTallies.AsNoTracking().Where(p => p.Period == period);
        if (!string.IsNullOrEmpty(filter.Region))
        {
            rows = rows.Where(t => t.Region.StartsWith(filter.Region));
            places = places.Where(p => p.Region.StartsWith(filter.Region));
        }

        if (filter.Tier is { } tier)
        {
            rows = rows.Where(t => t.Tier == tier);
            places = places.Where(p => p.Tier == tier);
        }

        string[] days = [SectorTallies.FirstDay, SectorTallies.LastDay, SectorTallies.ImportDay];
        var tally = await rows.Where(t => !days.Contains(t.Measure)).TagWith("figure:tally")
            .Select(t => new { t.Tier, t.Measure, t.Detector, t.Severity, t.Title, t.Port, t.Count }).ToListAsync(ct);
        long Sum(string measure, string detector) => tally.Where(t => t.Measure == measure && t.Detector == detector).Sum(t => t.Count);
        var findings = tally.Where(t => t.Measure == SectorTallies.Findings).ToList();
        var portHosts = tally.Where(t => t.Measure == SectorTallies.PortHosts).GroupBy(t => t.Port).Select(g => (Port: g.Key, Servers: g.Sum(t => t.Count))).ToList();

        var highOnServers = await places.Where(p => p.Detector == Web && p.Severity == Severity.High).TagWith("figure:highOnServers")
            .OrderByDescending(p => p.Count).ThenBy(p => p.Title).ThenBy(p => p.Place).Take(ListLimit)
            .Select(p => new { p.Title, p.Place, p.Count }).ToListAsync(ct);
        var apps = places.Where(p => p.Detector == Apk);
        var topApps = await apps.Where(p => p.Title == "").TagWith("figure:topApps").GroupBy(p => p.Place).Select(g => new { Package = g.Key, Count = g.Sum(p => p.Count) })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Package).Take(ListLimit).Select(g => g.Package).ToListAsync(ct);
        var cells = await apps.Where(p => p.Title != "" && topApps.Contains(p.Place)).TagWith("figure:cells").GroupBy(p => new { p.Title, p.Place })
            .Select(g => new { g.Key.Title, g.Key.Place, Count = g.Sum(p => p.Count) }).ToListAsync(ct);
        var accountRisks = await places.Where(p => p.Detector == Logic).TagWith("figure:accountRisks").GroupBy(p => new { p.Place, p.Title, p.Severity })
            .Select(g => new { g.Key.Place, g.Key.Title, g.Key.Severity, Count = g.Sum(p => p.Count) })
            .OrderBy(g => g.Place).ThenByDescending(g => g.Severity).ThenBy(g => g.Title).Take(ListLimit).ToListAsync(ct);

        return new DetectionCounts
        {
            Institutions = tierInstitutions.Sum(t => t.Count),
            UnitsTested = Sum(SectorTallies.Tested, ""),
            Severities = [.. findings.GroupBy(t => (t.Detector, t.Severity)).Select(g => (g.Key.Detector, g.Key.Severity, g.Sum(t => t.Count)))],
            WebsitesTested = await WebsitesTestedAsync(filter, ct),
            WebsitesWithFindings = Sum(SectorTallies.WebAssets, Web),
            Domains = Sum(SectorTallies.Origins, Web),
            WebHospitals = Sum(SectorTallies.WebInstitutions, Web),
            Kinds = [.. findings.Where(t => t.Detector == Web).GroupBy(t => (t.Title, t.Severity)).Select(g => (g.Key.Title, g.Key.Severity, Count: g.Sum(t => t.Count)))
                .OrderByDescending(g => g.Severity).ThenByDescending(g => g.Count).ThenBy(g => g.Title, StringComparer.Ordinal).Take(ListLimit)],
            HighOnServers = [.. highOnServers.Select(h => (h.Title, (string?)(h.Place == "" ? null : h.Place), h.Count))],
            HighServers = Sum(SectorTallies.HighOrigins, Web),
            Servers = Sum(SectorTallies.Hosts, Ports),
            OpenPorts = Sum(SectorTallies.HostPorts, Ports),
            DistinctPorts = portHosts.Count(p => p.Servers != 0),
            HighPortServers = Sum(SectorTallies.HighHosts, Ports),
            PerPort = [.. portHosts.Where(p => p.Servers != 0).OrderByDescending(p => p.Servers).ThenBy(p => p.Port).Take(ListLimit)],
            AppsTested = await AppsTestedAsync(filter, ct),
            AppsWithRisks = Sum(SectorTallies.Packages, Apk),
            TopApps = topApps,
            Cells = [.. cells.Select(c => (c.Title, c.Place, c.Count))],
            AccountRisks = [.. accountRisks.Select(a => (a.Place, a.Title, a.Severity, a.Count))],
            Accounts = Sum(SectorTallies.Accounts, Logic),
            TierInstitutions = tierInstitutions,
            TierTested = [.. tally.Where(t => t.Measure == SectorTallies.Tested && t.Detector == "").GroupBy(t => t.Tier).Select(g => (g.Key, g.Sum(t => t.Count)))],
            TierFindings = [.. findings.GroupBy(t => (t.Tier, t.Severity)).Select(g => (g.Key.Tier, g.Key.Severity, g.Sum(t => t.Count)))],
        };
    }

    /// <summary>
    /// Counts from the findings and imports (one indexed aggregate each): what the pre-aggregate cannot answer exactly,
    /// counted the way it counts (distinct servers, websites, apps, accounts per institution, summed).
    /// </summary>
    private async Task<DetectionCounts> CountFindingsAsync(SectorFilter filter, CancellationToken ct)
    {
        var tierInstitutions = await TierInstitutionsAsync(filter, ct);
        var findings = Findings(filter);
        var unitsTested = await Imports(filter).Select(d => d.InstitutionId).Distinct().TagWith("figure:unitsTested").LongCountAsync(ct);
        var severities = await findings.TagWith("figure:severities").GroupBy(f => new { f.Detector, f.Severity })
            .Select(g => new { g.Key.Detector, g.Key.Severity, Count = g.LongCount() }).ToListAsync(ct);

        var webFindings = findings.Where(f => f.Detector == Web);
        var websitesWithFindings = await webFindings.Select(f => new { f.InstitutionId, f.AssetId }).Distinct().TagWith("figure:websitesWithFindings").LongCountAsync(ct);
        var domains = await webFindings.Where(f => f.Origin != null).Select(f => new { f.InstitutionId, f.Origin }).Distinct().TagWith("figure:domains").LongCountAsync(ct);
        var webHospitals = await webFindings.Select(f => f.InstitutionId).Distinct().TagWith("figure:webHospitals").LongCountAsync(ct);
        var kinds = await webFindings.TagWith("figure:kinds").GroupBy(f => new { f.Title, f.Severity })
            .Select(g => new { g.Key.Title, g.Key.Severity, Count = g.LongCount() })
            .OrderByDescending(g => g.Severity).ThenByDescending(g => g.Count).ThenBy(g => g.Title).Take(ListLimit).ToListAsync(ct);
        var highWeb = webFindings.Where(f => f.Severity == Severity.High);
        var highOnServers = await highWeb.TagWith("figure:highOnServers").GroupBy(f => new { f.InstitutionId, f.Title, f.Origin })
            .Select(g => new { g.Key.Title, g.Key.Origin, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Title).ThenBy(g => g.Origin).Take(ListLimit).ToListAsync(ct);
        var highServers = await highWeb.Where(f => f.Origin != null).Select(f => new { f.InstitutionId, f.Origin }).Distinct().TagWith("figure:highServers").LongCountAsync(ct);

        var portFindings = findings.Where(f => f.Detector == Ports && f.Host != null && f.Port != null);
        var servers = await portFindings.Select(f => new { f.InstitutionId, f.Host }).Distinct().TagWith("figure:servers").LongCountAsync(ct);
        var openPorts = await portFindings.Select(f => new { f.InstitutionId, f.Host, f.Port }).Distinct().TagWith("figure:openPorts").LongCountAsync(ct);
        var distinctPorts = await portFindings.Select(f => f.Port).Distinct().TagWith("figure:distinctPorts").LongCountAsync(ct);
        var highPortServers = await portFindings.Where(f => f.Severity == Severity.High).Select(f => new { f.InstitutionId, f.Host }).Distinct().TagWith("figure:highPortServers").LongCountAsync(ct);
        var perPort = await portFindings.Select(f => new { f.Port, f.InstitutionId, f.Host }).Distinct().TagWith("figure:perPort").GroupBy(f => f.Port)
            .Select(g => new { Port = g.Key, Servers = g.LongCount() })
            .OrderByDescending(g => g.Servers).ThenBy(g => g.Port).Take(ListLimit).ToListAsync(ct);

        var apkFindings = findings.Where(f => f.Detector == Apk && f.Package != null);
        var appsWithRisks = await apkFindings.Select(f => new { f.InstitutionId, f.Package }).Distinct().TagWith("figure:appsWithRisks").LongCountAsync(ct);
        var topApps = await apkFindings.TagWith("figure:topApps").GroupBy(f => f.Package!).Select(g => new { Package = g.Key, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.Package).Take(ListLimit).Select(g => g.Package).ToListAsync(ct);
        var cells = await apkFindings.TagWith("figure:cells").Where(f => topApps.Contains(f.Package!)).GroupBy(f => new { f.Title, f.Package })
            .Select(g => new { g.Key.Title, g.Key.Package, Count = g.LongCount() }).ToListAsync(ct);

        var logicFindings = findings.Where(f => f.Detector == Logic && f.Account != null);
        var accountRisks = await logicFindings.TagWith("figure:accountRisks").GroupBy(f => new { f.Account, f.Title, f.Severity })
            .Select(g => new { g.Key.Account, g.Key.Title, g.Key.Severity, Count = g.LongCount() })
            .OrderBy(g => g.Account).ThenByDescending(g => g.Severity).ThenBy(g => g.Title).Take(ListLimit).ToListAsync(ct);
        var accounts = await logicFindings.Select(f => new { f.InstitutionId, f.Account }).Distinct().TagWith("figure:accounts").LongCountAsync(ct);

        var tierTested = await Imports(filter).TagWith("figure:tierTested").Join(db.Institutions, d => d.InstitutionId, i => i.Id, (d, i) => new { i.Tier, d.InstitutionId })
            .GroupBy(x => x.Tier).Select(g => new { Tier = g.Key, Count = g.Select(x => x.InstitutionId).Distinct().LongCount() }).ToListAsync(ct);
        var tierFindings = await findings.TagWith("figure:tierFindings").Join(db.Institutions, f => f.InstitutionId, i => i.Id, (f, i) => new { i.Tier, f.Severity })
            .GroupBy(x => new { x.Tier, x.Severity }).Select(g => new { g.Key.Tier, g.Key.Severity, Count = g.LongCount() }).ToListAsync(ct);

        return new DetectionCounts
        {
            Institutions = tierInstitutions.Sum(t => t.Count),
            UnitsTested = unitsTested,
            Severities = [.. severities.Select(s => (s.Detector, s.Severity, s.Count))],
            WebsitesTested = await WebsitesTestedAsync(filter, ct),
            WebsitesWithFindings = websitesWithFindings,
            Domains = domains,
            WebHospitals = webHospitals,
            Kinds = [.. kinds.Select(k => (k.Title, k.Severity, k.Count))],
            HighOnServers = [.. highOnServers.Select(h => (h.Title, h.Origin, h.Count))],
            HighServers = highServers,
            Servers = servers,
            OpenPorts = openPorts,
            DistinctPorts = distinctPorts,
            HighPortServers = highPortServers,
            PerPort = [.. perPort.Select(p => (p.Port!.Value, p.Servers))],
            AppsTested = await AppsTestedAsync(filter, ct),
            AppsWithRisks = appsWithRisks,
            TopApps = topApps,
            Cells = [.. cells.Select(c => (c.Title, c.Package!, c.Count))],
            AccountRisks = [.. accountRisks.Select(a => (a.Account!, a.Title, a.Severity, a.Count))],
            Accounts = accounts,
            TierInstitutions = tierInstitutions,
            TierTested = [.. tierTested.Select(t => (t.Tier, t.Count))],
            TierFindings = [.. tierFindings.Select(t => (t.Tier, t.Severity, t.Count))],
        };
    }

    private async Task<IReadOnlyList<(HospitalTier Tier, long Count)>> TierInstitutionsAsync(SectorFilter filter, CancellationToken ct) =>
        [.. (await Institutions(filter).GroupBy(i => i.Tier).Select(g => new { Tier = g.Key, Count = g.LongCount() }).TagWith("figure:tierInstitutions").ToListAsync(ct))
            .Select(t => (t.Tier, t.Count))];

    /// <summary>Website assets of institutions whose web runs were imported in the period (the inventory's, read as it is now).</summary>
    private Task<long> WebsitesTestedAsync(SectorFilter filter, CancellationToken ct) => TestedAssetsAsync(filter, Web, AssetKind.Origin, "figure:websitesTested", ct);

    /// <summary>App assets of institutions whose APK runs were imported in the period.</summary>
    private Task<long> AppsTestedAsync(SectorFilter filter, CancellationToken ct) => TestedAssetsAsync(filter, Apk, AssetKind.App, "figure:appsTested", ct);

    private Task<long> TestedAssetsAsync(SectorFilter filter, string detector, AssetKind kind, string tag, CancellationToken ct)
    {
        var tested = Imports(filter, detector).Select(d => d.InstitutionId);
        var institutions = Institutions(filter);
        return db.Assets.AsNoTracking().TagWith(tag).Where(a => a.Kind == kind && tested.Contains(a.InstitutionId))
            .Where(a => institutions.Any(i => i.Id == a.InstitutionId)).LongCountAsync(ct);
    }

    private static DetectionFigures Figures(DetectionCounts c)
    {
        var bySeverity = c.Severities.OrderBy(s => s.Detector, StringComparer.Ordinal).ThenByDescending(s => s.Severity)
            .Select(s => new SeverityCount(s.Detector, s.Severity, s.Count, SectorDrill.Findings(s.Detector) with { Severity = s.Severity })).ToList();
        var apkKinds = ApkRiskKinds.Titles.Concat(c.Cells.Select(x => x.Title).Where(t => !ApkRiskKinds.Titles.Contains(t)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var apps = c.TopApps.Order(StringComparer.Ordinal).ToList();
        var apkTable = new ApkRiskTable(apkKinds, apps,
            [.. apkKinds.Select(k => (IReadOnlyList<long>)[.. apps.Select(a => c.Cells.Where(x => x.Title == k && x.Package == a).Sum(x => x.Count))])]);
        long TierCount(HospitalTier tier, Severity severity) => c.TierFindings.Where(t => t.Tier == tier && t.Severity == severity).Sum(t => t.Count);
        var byTier = c.TierInstitutions.OrderBy(t => t.Tier).Select(t => new TierDetection(t.Tier,
            c.TierTested.Where(x => x.Tier == t.Tier).Sum(x => x.Count), t.Count,
            TierCount(t.Tier, Severity.High), TierCount(t.Tier, Severity.Medium), TierCount(t.Tier, Severity.Low))).ToList();

        return new DetectionFigures
        {
            UnitsTested = new("units-tested", "检测单位数", c.UnitsTested, c.Institutions,
                "期间内导入过检测结果（任一检测器）的机构 / 筛选范围内的机构", SectorDrill.Tested(null)),
            WebsitesTested = new("websites-tested", "检测网站数", c.WebsitesTested, null,
                "期间内导入过网站检测结果的机构登记的网站资产数", SectorDrill.Tested(Web)),
            WebsitesWithFindings = new("websites-with-findings", "存在漏洞的网站", c.WebsitesWithFindings, c.WebsitesTested,
                "期间内有网站检测发现的网站资产 / 检测网站数", SectorDrill.Findings(Web)),
            DomainsWithFindings = new("domains-with-findings", "存在漏洞的域名（源）", c.Domains, null,
                "期间内网站检测发现所在的源（协议+主机+端口），各机构分别计数后相加", SectorDrill.Findings(Web)),
            HospitalsWithWebFindings = new("hospitals-with-web-findings", "网站存在漏洞的医院", c.WebHospitals, c.UnitsTested,
                "期间内有网站检测发现的机构 / 检测单位数", SectorDrill.Findings(Web)),
            BySeverity = bySeverity,
            WebKinds = [.. c.Kinds.Select(k => new KindCount(k.Title, k.Severity, null, k.Count, SectorDrill.Findings(Web) with { Title = k.Title }))],
            HighRiskOnServers = [.. c.HighOnServers.Select(k => new KindCount(k.Title, Severity.High, k.Origin, k.Count, SectorDrill.Findings(Web) with { Title = k.Title, Severity = Severity.High }))],
            HighRiskServers = new("high-risk-servers", "高危漏洞所在服务器", c.HighServers, null,
                "期间内有高危网站漏洞的源（服务器），各机构分别计数后相加", SectorDrill.Findings(Web) with { Severity = Severity.High }),
            Ports = new PortFigures
            {
                Servers = new("port-servers", "开放端口的服务器", c.Servers, null, "期间内端口检测发现所在的主机地址，各机构分别计数后相加（两家机构共用一个地址时各计一次）", SectorDrill.Findings(Ports)),
                OpenPorts = new("open-ports", "开放端口数", c.OpenPorts, c.Servers, "各机构不同（主机, 端口）组合数之和；分母为服务器数（即每台服务器开放端口数）", SectorDrill.Findings(Ports)),
                DistinctPorts = new("distinct-ports", "涉及端口种类", c.DistinctPorts, null, "开放端口中不同端口号的个数", SectorDrill.Findings(Ports)),
                ServersWithHighRiskPorts = new("high-risk-port-servers", "存在高危端口的服务器", c.HighPortServers, c.Servers,
                    "有高危端口检测发现（如 3389 远程桌面、数据库、Redis 未授权）的主机 / 开放端口的服务器", SectorDrill.Findings(Ports) with { Severity = Severity.High }),
                PerPort = [.. c.PerPort.Select(p => new Tally(p.Port.ToString(CultureInfo.InvariantCulture), $"{p.Port}", p.Servers, SectorDrill.Findings(Ports) with { Port = p.Port }))],
            },
            AppsTested = new("apps-tested", "检测 App 数", c.AppsTested, null, "期间内导入过 APK 检测结果的机构登记的 App 资产数", SectorDrill.Tested(Apk)),
            AppsWithRisks = new("apps-with-risks", "存在风险的 App", c.AppsWithRisks, c.AppsTested, "期间内有 APK 检测发现的包名，各机构分别计数后相加 / 检测 App 数", SectorDrill.Findings(Apk)),
            ApkTable = apkTable,
            AccountRisks = [.. c.AccountRisks.Select(a => new KindCount(a.Title, a.Severity, a.Account, a.Count, SectorDrill.Findings(Logic) with { Account = a.Account, Title = a.Title }))],
            AccountsWithRisks = new("accounts-with-risks", "存在风险的公众号/预约服务", c.Accounts, null, "期间内有业务逻辑检测发现的公众号（账号），各机构分别计数后相加", SectorDrill.Findings(Logic)),
            ByTier = byTier,
        };
    }

    /// <summary>The campaign trend alone.</summary>
    public async Task<CampaignTrend?> TrendAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var campaign = await db.Campaigns.AsNoTracking().TagWith("figure:campaign").Where(c => filter.Campaign == null || c.Id == filter.Campaign)
            .OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.Name }).FirstOrDefaultAsync(ct);
        if (campaign is null)
        {
            return null;
        }

        // The campaign's own runs decide: the period does not narrow a campaign's trend, the region and tier do.
        // New / fixed / still open are pre-aggregated: each campaign task keeps its import's counts (written when its
        // run is imported), so the trend sums a few hundred thousand task rows at most instead of joining millions of
        // sightings (bench/dashboard/README.md). The drill-down lists the findings themselves (CampaignFindings.FoundBy).
        var tasks = db.CampaignTasks.AsNoTracking().Where(t => t.CampaignId == campaign.Id);
        if (!string.IsNullOrEmpty(filter.Region) || filter.Tier is not null)
        {
            var institutions = Institutions(filter).Select(i => i.Id);
            tasks = tasks.Where(t => institutions.Contains(t.InstitutionId));
        }

        var counts = await tasks.TagWith("figure:trendCounts").GroupBy(t => t.CampaignId)
            .Select(g => new { New = g.Sum(t => (long)t.NewCount), Fixed = g.Sum(t => (long)t.FixedCount), StillOpen = g.Sum(t => (long)t.StillOpenCount) })
            .FirstOrDefaultAsync(ct);
        var scoped = Findings(filter with { From = null, To = null });
        // Grouped by the database (a run's findings share their first-seen and fixed instants, so a few rows per
        // institution and run), the median taken here over the counted values.
        var fixedRows = await scoped.FoundBy(db, campaign.Id, CampaignFinding.Fixed).Where(f => f.FixedAt != null)
            .GroupBy(f => new { f.Severity, f.FirstSeenAt, f.FixedAt }).Select(g => new { g.Key.Severity, g.Key.FirstSeenAt, g.Key.FixedAt, Count = g.LongCount() })
            .TagWith("figure:fixedRows").ToListAsync(ct);
        var medians = Graded.Select(s =>
        {
            var days = fixedRows.Where(r => r.Severity == s).Select(r => (Days: (r.FixedAt!.Value - r.FirstSeenAt).TotalDays, r.Count)).OrderBy(r => r.Days).ToList();
            var count = days.Sum(d => d.Count);
            double At(long index)
            {
                foreach (var (value, n) in days)
                {
                    if (index < n)
                    {
                        return value;
                    }

                    index -= n;
                }

                throw new InvalidOperationException("中位数下标越界");
            }

            return new FixTime(s, count, count == 0 ? null : Math.Round(count % 2 == 1 ? At(count / 2) : (At((count / 2) - 1) + At(count / 2)) / 2, 1));
        }).ToList();
        var drill = SectorDrill.Findings();
        return new CampaignTrend(campaign.Id, campaign.Name,
            new("trend-new", "新发现", counts?.New ?? 0, null, "该检测任务计划的运行首次发现的检测发现（各子任务导入时记下的新发现数之和）", drill),
            new("trend-fixed", "已修复", counts?.Fixed ?? 0, null, "该计划的运行完整覆盖、不再发现而关闭的检测发现（各子任务导入时记下的已修复数之和）", drill),
            new("trend-still-open", "仍未修复", counts?.StillOpen ?? 0, null, "该计划的运行再次发现、仍未关闭的检测发现（各子任务导入时记下的数之和）", drill),
            medians);
    }

    /// <summary>The 等保 and survey figures per tier and region, and their total.</summary>
    public async Task<(IReadOnlyList<GroupFigures> Tiers, IReadOnlyList<GroupFigures> Regions, GroupFigures Total, int CodeLength)> LifecycleAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var statistics = new SectorStatistics(db);
        var scopeRegion = db.Scope.Region;
        var region = string.IsNullOrEmpty(filter.Region) ? scopeRegion : filter.Region;
        // The whole country by province; a province, city or county by county (a municipality's only "city" is 市辖区).
        var codeLength = string.IsNullOrEmpty(region) ? 2 : 6;
        var (tiers, regions, surveys, regionSurveys) = await statistics.ByTierAndRegionAsync(codeLength, filter.Region, filter.Tier, cancellationToken: ct);
        var tierRows = tiers.Select(t => Group(TierName(t.Tier), t, surveys.FirstOrDefault(s => s.Tier == t.Tier), filter with { Tier = t.Tier })).ToList();
        var regionRows = regions.Select(r => Group(AdministrativeRegions.FullName(r.Region), r, regionSurveys.FirstOrDefault(s => s.Region == r.Region), filter with { Region = r.Region })).ToList();
        var total = Group("合计", LifecycleStatistics.Total(tiers), SurveyStatistics.Total(surveys), filter);
        return (tierRows, regionRows, total, codeLength);
    }

    /// <summary>The tier's name as the report writes it (普通三级 for the non-甲 三级).</summary>
    public static string TierName(HospitalTier? tier) => tier switch
    {
        null => "合计",
        HospitalTier.Tertiary => "普通三级",
        { } t => t.ToChinese(),
    };

    private static GroupFigures Group(string name, LifecycleStatistics l, SurveyStatistics? s, SectorFilter scope)
    {
        var all = SectorDrill.All;
        Figure F(string key, string label, Share share, string definition) => new(key, label, share.Count, share.Total, definition, all);
        s ??= new SurveyStatistics();
        return new GroupFigures(name, scope.Tier, scope.Region, l.Institutions, l.Systems,
        [
            F("graded", "定级率", l.GradingRate, "已定级的定级对象 / 全部定级对象"),
            F("filed", "备案率", l.FilingRate, "已取得备案证明（编号和签发日期已登记）的定级对象 / 全部定级对象；仅提交、尚无证明的不计"),
            F("level3-assessed", "三级系统测评率", l.AssessmentRate, "有测评机构开展、已形成结论且不晚于今天的等级测评的三级及以上定级对象 / 三级及以上定级对象；自查不计"),
            F("rectified", "整改率", l.RectificationRate, "整改任务全部关闭（已整改、复测通过或风险接受）的定级对象 / 有整改任务的定级对象"),
            F("his-level3", "HIS 三级定级率", l.HisLevel3Rate, "定为第三级及以上的 HIS / 全部 HIS"),
            F("million-records", "≥100万条个人信息", s.AtLeastMillionRecords, "调查中个人信息 ≥ 1,000,000 条的机构 / 回答该题的机构"),
            F("five-staff", "≥5 名安全人员", s.AtLeastFiveSecurityStaff, "网络安全人员 ≥ 5 名的机构 / 回答该题的机构"),
            F("lacks-professionals", "缺乏专业人才", s.LacksProfessionals, "把缺乏专业人才列为主要困难的机构 / 回答该题的机构"),
            F("crypto-devices", "使用密码设备", s.UsesCryptoDevices, "使用密码设备的机构 / 回答该题的机构"),
            F("crypto-algorithms", "使用密码算法", s.UsesCryptoAlgorithms, "使用密码算法的机构 / 回答该题的机构"),
            F("domestic-crypto", "国产密码产品", s.UsesDomesticCryptoProducts, "使用国产密码产品的机构 / 回答该题的机构"),
            F("domestic-os", "国产操作系统", s.UsesDomesticOperatingSystem, "使用国产操作系统的机构 / 回答该题的机构"),
            F("domestic-db", "国产数据库", s.UsesDomesticDatabase, "使用国产数据库的机构 / 回答该题的机构"),
            F("domestic-middleware", "国产中间件", s.UsesDomesticMiddleware, "使用国产中间件的机构 / 回答该题的机构"),
        ]);
    }

    /// <summary>定级偏低 per tier, total and the systems.</summary>
    public async Task<UnderGradingFigures> UnderGradingAsync(SectorFilter filter, CancellationToken ct = default)
    {
        var systems = await UnderGradedSystemsAsync(filter, ct);
        var perTier = systems.GroupBy(s => s.Tier).OrderBy(g => g.Key)
            .Select(g => new Tally(g.Key.ToString(), TierName(g.Key), g.Count(), SectorDrill.UnderGraded)).ToList();
        var graded = await Institutions(filter).SelectMany(i => db.Systems.Where(s => s.InstitutionId == i.Id && s.Grading != null)).TagWith("figure:graded").LongCountAsync(ct);
        return new UnderGradingFigures(perTier,
            new Figure("under-graded", "定级偏低的定级对象", systems.Count, graded,
                "已定级、但等级低于定级偏低规则（数据量、用户量、业务类型、医院等级）建议等级的定级对象 / 已定级的定级对象", SectorDrill.UnderGraded),
            [.. systems.Take(ListLimit * 4)]);
    }

    /// <summary>
    /// Graded systems whose level is below what the 定级偏低 rules suggest. Only systems the rules can lift are read (a
    /// level below 3): the rules suggest at most 第三级.
    /// </summary>
    public async Task<IReadOnlyList<UnderGradedSystem>> UnderGradedSystemsAsync(SectorFilter filter, CancellationToken ct)
    {
        var institutions = Institutions(filter);
        var rows = await (
            from s in db.Systems.AsNoTracking().TagWith("figure:under-graded")
            join i in institutions on s.InstitutionId equals i.Id
            where s.Grading != null && (s.Grading.Level == ProtectionLevel.Level1 || s.Grading.Level == ProtectionLevel.Level2)
            select new
            {
                s.Id,
                s.Name,
                InstitutionId = i.Id,
                InstitutionName = i.Name,
                i.Tier,
                i.Region,
                s.Business,
                s.IsCore,
                s.InternetFacing,
                s.IsCriticalInfrastructure,
                Level = s.Grading!.Level,
                i.Survey.PersonalDataRecords,
            }).ToListAsync(ct);
        var result = new List<UnderGradedSystem>();
        foreach (var r in rows)
        {
            var verdict = UnderGrading.Evaluate(new UnderGradingInput
            {
                Business = r.Business,
                Tier = r.Tier,
                // The survey asks the hospital, not the system: its core systems are taken to hold its personal data.
                PersonalDataRecords = r.IsCore || r.Business is BusinessKind.His or BusinessKind.Emr or BusinessKind.Lis or BusinessKind.Pacs or BusinessKind.Platform ? r.PersonalDataRecords : null,
                IsCore = r.IsCore,
                InternetFacing = r.InternetFacing,
                CriticalInfrastructure = r.IsCriticalInfrastructure,
            });
            if (verdict.IsUnderGraded(r.Level))
            {
                result.Add(new UnderGradedSystem(r.Id, r.Name, r.InstitutionId, r.InstitutionName, r.Tier, r.Region, r.Level, verdict.Suggested!.Value, [.. verdict.Rules.Select(x => x.Name)]));
            }
        }

        return [.. result.OrderBy(s => s.Tier).ThenBy(s => s.InstitutionName, StringComparer.Ordinal).ThenBy(s => s.SystemName, StringComparer.Ordinal)];
    }
}
