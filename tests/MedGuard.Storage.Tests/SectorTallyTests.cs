using System.Globalization;
using MedGuard.Domain.Findings;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MedGuard.Storage.Tests.Findings.FindingsFixture;

namespace MedGuard.Storage.Tests;

/// <summary>
/// The sector pre-aggregate (issue 16 §5) kept by the importer: after every import — a first run, a covering run that
/// closes findings, runs of two detectors of one hospital at once, a run in the next year — and after a finding is
/// marked fixed, the stored rows equal a recount from the findings, and the dashboard's figures from them equal the
/// figures counted from the findings.
/// </summary>
public abstract class SectorTallyTests : StorageTestBase
{
    private async Task<(List<string> Tallies, List<string> Places)> SnapshotAsync()
    {
        await using var db = Open();
        var tallies = await db.SectorTallies.Where(t => t.Count != 0 && t.Measure != SectorTallies.Built).ToListAsync();
        var places = await db.SectorPlaceTallies.ToListAsync();
        return (
            [.. tallies.Select(t => $"{t.Period}|{t.Region}|{t.Tier}|{t.Measure}|{t.Detector}|{t.Severity}|{t.Title}|{t.Port}={t.Count}").Order(StringComparer.Ordinal)],
            [.. places.Select(p => $"{p.Period}|{p.InstitutionId}|{p.Region}|{p.Tier}|{p.Detector}|{p.Severity}|{p.Title}|{p.Place}={p.Count}").Order(StringComparer.Ordinal)]);
    }

    /// <summary>The tally as kept, then recounted from scratch: the two must be the same rows.</summary>
    private async Task AssertEqualsARecountAsync()
    {
        var kept = await SnapshotAsync();
        await using (var db = Open())
        {
            await SectorTallies.RebuildAsync(db);
        }

        var recounted = await SnapshotAsync();
        Assert.NotEmpty(recounted.Tallies);
        Assert.Equal(recounted.Tallies, kept.Tallies);
        Assert.Equal(recounted.Places, kept.Places);
    }

    private async Task ImportAsync(Registered r, Domain.Detection.DetectionRun run, DateTimeOffset now)
    {
        await using var db = Open();
        await Importer.ImportAsync(db, run, Options(now, r.Province.A.Id));
    }

    [Fact]
    public async Task EveryImportAndStatusChangeLeavesTheTallyEqualToARecount()
    {
        Registered r;
        await using (var db = Open())
        {
            r = Register(db);
            Assert.True(await SectorTallies.IsBuiltAsync(db)); // built (empty) when the database was created
        }

        await ImportAsync(r, UsualRun(Day1), Day1);
        await AssertEqualsARecountAsync();

        // A covering run that no longer sees 10.200.0.3's telnet: closed (fixed by the run), still counted as present.
        await ImportAsync(r, PortRun(Day1.AddDays(1), ("10.200.0.2", [3389, 3306]), ("10.200.0.3", [])), Day1.AddDays(1));
        await AssertEqualsARecountAsync();

        // Two detectors of one hospital at once: each refresh sees the other's rows (a lock per institution).
        await Task.WhenAll(
            Task.Run(() => ImportAsync(r, AppRun(Day1.AddDays(2), "booking.apk", "Lcom/hospital/booking/Main;", "Lcom/hospital/booking/Pay;"), Day1.AddDays(2))),
            Task.Run(() => ImportAsync(r, PortRun(Day1.AddDays(2), ("10.200.0.2", [3389]), ("10.200.0.4", [22, 3389])), Day1.AddDays(2))));
        await AssertEqualsARecountAsync();

        // Into the next year (China time): the findings seen again count in 2026 and in 2027.
        await ImportAsync(r, PortRun(Day1.AddDays(40), ("10.200.0.2", [3389]), ("10.200.0.4", [22])), Day1.AddDays(40));
        await AssertEqualsARecountAsync();
        await using (var db = Open())
        {
            var ports = await db.SectorTallies.Where(t => t.Measure == SectorTallies.Findings && t.Port == 3389).Select(t => t.Period + "=" + t.Count).ToListAsync();
            Assert.Equal(["2026=2", "2027=1", "=2"], ports.Order(StringComparer.Ordinal)); // 3389 open on two hosts in 2026, on one still in 2027
        }

        // A person marks a finding fixed: no counted dimension changes (the figures count findings present in the period,
        // whatever became of them), so the tally still equals a recount.
        await using (var db = Open())
        {
            var open = await db.Findings.Where(f => f.Status == FindingStatus.New).OrderBy(f => f.Port).FirstAsync();
            await new FindingWorkflow(db).MarkFixedAsync(open.Id, new FindingActor("测试"), "已关闭端口");
        }

        await AssertEqualsARecountAsync();
    }

    [Fact]
    public async Task FiguresFromTheTallyEqualFiguresFromTheFindings()
    {
        Registered r;
        await using (var db = Open())
        {
            r = Register(db);
        }

        await ImportAsync(r, UsualRun(Day1), Day1);
        await ImportAsync(r, WebRun(Day1.AddDays(1), "身份证号 110101199003071234"), Day1.AddDays(1));
        await ImportAsync(r, AppRun(Day1.AddDays(1), "booking.apk", "Lcom/hospital/booking/Main;"), Day1.AddDays(1));
        await ImportAsync(r, PortRun(Day1.AddDays(40), ("10.200.0.2", [3389]), ("10.200.0.4", [22])), Day1.AddDays(40));

        SectorFilter[] filters =
        [
            new(),
            new() { Region = "33" },
            new() { Tier = Domain.Institutions.HospitalTier.TertiaryA },
            new() { From = new DateOnly(2027, 1, 1), To = new DateOnly(2027, 12, 31) },
            new() { From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 12, 31) },
        ];
        var fromTally = new List<string>();
        await using (var db = Open())
        {
            foreach (var filter in filters)
            {
                fromTally.Add(Describe(await new SectorFigureService(db).DetectionWithoutTrendAsync(filter)));
            }

            // The 2027 filter is the stored year exactly (nothing of 2027 lies outside it): answered from the tally.
            Assert.Contains("ports:High=1", fromTally[3], StringComparison.Ordinal);
            // Without the built marker the service counts the findings.
            await db.SectorTallies.Where(t => t.Measure == SectorTallies.Built).ExecuteDeleteAsync();
            for (var i = 0; i < filters.Length; i++)
            {
                Assert.Equal(fromTally[i], Describe(await new SectorFigureService(db).DetectionWithoutTrendAsync(filters[i])));
            }
        }

        // And the regulator of the province sees the same as the system's province filter.
        await using (var db = Open())
        {
            await SectorTallies.RebuildAsync(db);
        }

        await using (var regulator = Open(TenantScope.ForRegulator("33")))
        {
            Assert.Equal(fromTally[1], Describe(await new SectorFigureService(regulator).DetectionWithoutTrendAsync(new SectorFilter())));
        }
    }

    /// <summary>Every number of the detection figures, lists as sorted counts (their order among equal counts is the database's collation).</summary>
    internal static string Describe(DetectionFigures d)
    {
        static string F(Figure f) => $"{f.Key}={f.Numerator}/{f.Denominator}";
        var parts = new List<string>
        {
            F(d.UnitsTested), F(d.WebsitesTested), F(d.WebsitesWithFindings), F(d.DomainsWithFindings), F(d.HospitalsWithWebFindings), F(d.HighRiskServers),
            F(d.Ports.Servers), F(d.Ports.OpenPorts), F(d.Ports.DistinctPorts), F(d.Ports.ServersWithHighRiskPorts), F(d.AppsTested), F(d.AppsWithRisks), F(d.AccountsWithRisks),
        };
        parts.AddRange(d.BySeverity.Select(s => $"{s.Detector}:{s.Severity}={s.Count}").Order(StringComparer.Ordinal));
        parts.Add("kinds " + string.Join(",", d.WebKinds.Select(k => $"{k.Kind}/{k.Severity}={k.Count}").Order(StringComparer.Ordinal)));
        parts.Add("high " + string.Join(",", d.HighRiskOnServers.Select(k => k.Count).Order()));
        parts.Add("ports " + string.Join(",", d.Ports.PerPort.Select(p => $"{p.Label}={p.Count}").Order(StringComparer.Ordinal)));
        parts.Add("apps " + string.Join(",", d.ApkTable.Apps) + " cells " + d.ApkTable.Counts.Sum(row => row.Sum()).ToString(CultureInfo.InvariantCulture));
        parts.Add("accounts " + string.Join(",", d.AccountRisks.Select(a => $"{a.Place}/{a.Kind}/{a.Severity}={a.Count}").Order(StringComparer.Ordinal)));
        parts.Add("tiers " + string.Join(",", d.ByTier.Select(t => $"{t.Tier}:{t.UnitsTested}/{t.Institutions}/{t.High}/{t.Medium}/{t.Low}")));
        return string.Join("\n", parts);
    }
}

public sealed class SqliteSectorTallyTests : SectorTallyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresSectorTallyTests : SectorTallyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
