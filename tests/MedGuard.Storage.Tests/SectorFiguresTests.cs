using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Storage.Bulk;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Tests;

/// <summary>
/// The sector figures (issue 16) on a tiny national dataset, on SQLite and PostgreSQL: every figure checked equals a
/// direct SQL count; a region's and a hospital's scope never count another's rows; filters that match nothing give zeros.
/// </summary>
public sealed class SectorFiguresTests
{
    private static readonly DateOnly Today = new(2026, 6, 30);

    private const double Scale = 0.002; // about 80 hospitals, 4,000 findings

    public static TheoryData<string> Providers() => ["sqlite", "postgres"];

    private static async Task<TestDatabase> CreateAsync(string provider) =>
        provider == "sqlite" ? TestDatabase.CreateSqlite() : await TestDatabase.CreatePostgresAsync();

    private static async Task<long> SqlAsync(MedGuardDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync();
        }

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryFigureEqualsADirectCount(string provider)
    {
        await using var database = await CreateAsync(provider);
        var result = await NationalDataset.GenerateAsync(database.Target, Scale, Today);
        Assert.InRange(result.Rows["institutions"], 70, 90);
        Assert.InRange(result.Rows["findings"], 2_500, 6_000);

        await using var db = MedGuardContextFactory.Create(database.Target, TenantScope.System, Today);
        var figures = await new SectorFigureService(db).ComputeAsync(new SectorFilter());
        var d = figures.Detection;
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"Institutions\""), d.UnitsTested.Denominator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(DISTINCT \"InstitutionId\") FROM \"DetectionImports\""), d.UnitsTested.Numerator);
        foreach (var detector in new[] { "ports", "web", "apk", "logic" })
        {
            foreach (var severity in new[] { "High", "Medium", "Low" })
            {
                Assert.Equal(await SqlAsync(db, $"SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = '{detector}' AND \"Severity\" = '{severity}'"),
                    d.Count(detector, Enum.Parse<Severity>(severity)));
            }
        }

        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Host\", \"Port\" FROM \"Findings\" WHERE \"Detector\" = 'ports') x"), d.Ports.OpenPorts.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Host\" FROM \"Findings\" WHERE \"Detector\" = 'ports') x"), d.Ports.Servers.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Host\" FROM \"Findings\" WHERE \"Detector\" = 'ports' AND \"Severity\" = 'High') x"), d.Ports.ServersWithHighRiskPorts.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Host\" FROM \"Findings\" WHERE \"Port\" = 3389) x"), d.Ports.PerPort.Single(p => p.Label == "3389").Count);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(DISTINCT \"AssetId\") FROM \"Findings\" WHERE \"Detector\" = 'web'"), d.WebsitesWithFindings.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"Assets\" WHERE \"Kind\" = 'Origin'"), d.WebsitesTested.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Origin\" FROM \"Findings\" WHERE \"Detector\" = 'web' AND \"Severity\" = 'High') x"), d.HighRiskServers.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Package\" FROM \"Findings\" WHERE \"Detector\" = 'apk') x"), d.AppsWithRisks.Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT \"InstitutionId\", \"Account\" FROM \"Findings\" WHERE \"Detector\" = 'logic') x"), d.AccountsWithRisks.Numerator);

        // Servers, websites, apps and accounts are counted per institution and summed (docs/sector-figures.md).
        // The per-app table of the 15 risk kinds: rows in the report's order, a cell is a count of that app's findings of that kind.
        Assert.Equal(ApkRiskKinds.Titles, d.ApkTable.Kinds.Take(15));
        var app = d.ApkTable.Apps[0];
        var kind = d.ApkTable.Kinds[0];
        Assert.Equal(await SqlAsync(db, $"SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'apk' AND \"Package\" = '{app}' AND \"Title\" = '{kind}'"), d.ApkTable.Cell(kind, app));

        // Web kinds: each kind's count.
        var web = d.WebKinds[0];
        Assert.Equal(await SqlAsync(db, $"SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'web' AND \"Title\" = '{web.Kind}' AND \"Severity\" = '{web.Severity}'"), web.Count);

        // The trend (pre-aggregated in the tasks) agrees with the findings the campaign's runs found, counted from sightings.
        var trend = Assert.IsType<CampaignTrend>(d.Trend);
        Assert.Equal(await db.Findings.FoundBy(db, trend.Campaign, CampaignFinding.New).LongCountAsync(), trend.New.Numerator);
        Assert.Equal(await db.Findings.FoundBy(db, trend.Campaign, CampaignFinding.Fixed).LongCountAsync(), trend.Fixed.Numerator);
        Assert.Equal(await db.Findings.FoundBy(db, trend.Campaign, CampaignFinding.StillOpen).LongCountAsync(), trend.StillOpen.Numerator);
        Assert.All(trend.MedianDaysToFix, m => Assert.InRange(m.MedianDays ?? 0, 0, 200));

        // 等保: graded systems per tier, and HIS graded level 3.
        var tertiaryA = figures.Tiers.Single(t => t.Tier == HospitalTier.TertiaryA);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"Gradings\" g JOIN \"ProtectedSystems\" s ON s.\"Id\" = g.\"SystemId\" JOIN \"Institutions\" i ON i.\"Id\" = s.\"InstitutionId\" WHERE i.\"Tier\" = 'TertiaryA'"), tertiaryA["graded"].Numerator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"ProtectedSystems\" s JOIN \"Institutions\" i ON i.\"Id\" = s.\"InstitutionId\" WHERE i.\"Tier\" = 'TertiaryA'"), tertiaryA["graded"].Denominator);
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"Institutions\" WHERE \"Survey_PersonalDataRecords\" >= 1000000"), figures.Total["million-records"].Numerator);
        Assert.All(figures.Total.Figures, f => Assert.False(string.IsNullOrWhiteSpace(f.Definition)));

        // 定级偏低: ordinary 三级 HIS at level 2 in a hospital with ≥ 1,000,000 records are among them (report section 二).
        Assert.Equal(await SqlAsync(db,
            "SELECT COUNT(*) FROM \"ProtectedSystems\" s JOIN \"Gradings\" g ON g.\"SystemId\" = s.\"Id\" JOIN \"Institutions\" i ON i.\"Id\" = s.\"InstitutionId\" " +
            "WHERE i.\"Tier\" = 'Tertiary' AND s.\"Business\" = 'His' AND g.\"Level\" = 'Level2' AND i.\"Survey_PersonalDataRecords\" >= 1000000"),
            figures.UnderGrading.Systems.Count(s => s.Tier == HospitalTier.Tertiary && s.SystemName.StartsWith("His", StringComparison.Ordinal)));
        Assert.Equal(figures.UnderGrading.Total.Numerator, figures.UnderGrading.PerTier.Sum(t => t.Count));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegionsAndHospitalsSeeOnlyTheirOwn(string provider)
    {
        await using var database = await CreateAsync(provider);
        await NationalDataset.GenerateAsync(database.Target, Scale, Today);
        string province;
        Guid hospital;
        await using (var system = MedGuardContextFactory.Create(database.Target, TenantScope.System, Today))
        {
            province = (await system.Institutions.OrderBy(i => i.Region).Select(i => i.Region).FirstAsync())[..2];
            hospital = await system.Institutions.Where(i => i.Tier == HospitalTier.TertiaryA).OrderBy(i => i.Name).Select(i => i.Id).FirstAsync();
            var filtered = await new SectorFigureService(system).ComputeAsync(new SectorFilter { Region = province });
            Assert.Equal(await SqlAsync(system, $"SELECT COUNT(*) FROM \"Findings\" f JOIN \"Institutions\" i ON i.\"Id\" = f.\"InstitutionId\" WHERE i.\"Region\" LIKE '{province}%' AND f.\"Detector\" = 'web' AND f.\"Severity\" = 'High'"),
                filtered.Detection.Count("web", Severity.High));
        }

        // A regulator of the province: the same numbers as the province filter, no more.
        await using (var regulator = MedGuardContextFactory.Create(database.Target, TenantScope.ForRegulator(province), Today))
        {
            var figures = await new SectorFigureService(regulator).ComputeAsync(new SectorFilter());
            Assert.Equal(await SqlAsync(regulator, $"SELECT COUNT(*) FROM \"Institutions\" WHERE \"Region\" LIKE '{province}%'"), figures.Total.Institutions);
            Assert.Equal(await SqlAsync(regulator, $"SELECT COUNT(*) FROM \"Findings\" f JOIN \"Institutions\" i ON i.\"Id\" = f.\"InstitutionId\" WHERE i.\"Region\" LIKE '{province}%' AND f.\"Detector\" = 'ports' AND f.\"Severity\" = 'High'"),
                figures.Detection.Count("ports", Severity.High));
            Assert.All(figures.UnderGrading.Systems, s => Assert.StartsWith(province, s.Region, StringComparison.Ordinal));
            // Asking for another province gives nothing from it.
            var other = await new SectorFigureService(regulator).ComputeAsync(new SectorFilter { Region = province == "11" ? "12" : "11" });
            Assert.True(other.IsEmpty);
            Assert.Empty(other.Detection.BySeverity);
        }

        // A hospital: itself only.
        await using (var own = MedGuardContextFactory.Create(database.Target, TenantScope.ForInstitution(hospital), Today))
        {
            var figures = await new SectorFigureService(own).ComputeAsync(new SectorFilter());
            Assert.Equal(1, figures.Total.Institutions);
            Assert.Equal(await SqlAsync(own, $"SELECT COUNT(*) FROM \"Findings\" WHERE \"InstitutionId\" = '{(provider == "sqlite" ? hospital.ToString().ToUpperInvariant() : hospital.ToString())}'"),
                figures.Detection.BySeverity.Sum(s => s.Count));
            Assert.All(figures.UnderGrading.Systems, s => Assert.Equal(hospital, s.InstitutionId));
            Assert.Equal(1, figures.Detection.UnitsTested.Denominator);
            var drill = await (await new SectorFigureService(own).InstitutionsBehindAsync(new SectorFilter(), SectorDrill.Findings("web"))).Select(i => i.Id).ToListAsync();
            Assert.All(drill, id => Assert.Equal(hospital, id));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task APeriodOrTierWithNoDataGivesZeros(string provider)
    {
        await using var database = await CreateAsync(provider);
        await NationalDataset.GenerateAsync(database.Target, Scale, Today);
        await using var db = MedGuardContextFactory.Create(database.Target, TenantScope.System, Today);
        var service = new SectorFigureService(db);
        var future = await service.ComputeAsync(new SectorFilter { From = Today.AddDays(1), To = Today.AddDays(30) });
        Assert.Equal(0, future.Detection.UnitsTested.Numerator);
        Assert.Empty(future.Detection.BySeverity);
        var none = await service.ComputeAsync(new SectorFilter { Tier = HospitalTier.Other });
        Assert.True(none.IsEmpty);
        Assert.Null(none.Total["graded"].Percent); // a rate of nothing is not 0 %

        // The first campaign's period only: every finding its run saw (all but those new in the second, 180 days later).
        var firstPeriod = await service.ComputeAsync(new SectorFilter { From = Today.AddDays(-201), To = Today.AddDays(-199) });
        Assert.Equal(await SqlAsync(db, "SELECT COUNT(*) FROM \"Findings\" WHERE \"Detector\" = 'web' AND \"Severity\" = 'High'") -
            await db.Findings.CountAsync(f => f.Detector == "web" && f.Severity == Severity.High && f.Status == FindingStatus.New),
            firstPeriod.Detection.Count("web", Severity.High));
    }
}
