using MedGuard.Domain.Institutions;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Statistics;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;

namespace MedGuard.Storage.Tests;

public abstract class StatisticsTests : StorageTestBase
{
    [Fact]
    public async Task LifecycleRatesPerTier()
    {
        await using var db = Open();
        SampleProvince.WriteTo(db);
        var rows = await new SectorStatistics(db).ByTierAsync();

        Assert.Equal([HospitalTier.TertiaryA, HospitalTier.Tertiary, HospitalTier.Secondary], rows.Select(r => r.Tier!.Value));
        var a = rows[0];
        Assert.Equal((1, 2, 2, 1, 1, 1, 1, 0, 1, 1),
            (a.Institutions, a.Systems, a.Graded, a.Filed, a.Level3OrAbove, a.Level3OrAboveAssessed, a.NeedingRectification, a.Rectified, a.His, a.HisLevel3OrAbove));
        Assert.Equal(1.0, a.GradingRate.Rate);
        Assert.Equal(0.5, a.FilingRate.Rate);
        Assert.Equal(0.0, a.RectificationRate.Rate); // HIS still has an open task
        Assert.Equal(1.0, a.HisLevel3Rate.Rate);

        var c = rows[1];
        Assert.Equal((1, 1, 1, 1, 1, 1, 1), (c.Systems, c.Graded, c.Filed, c.Level3OrAboveAssessed, c.NeedingRectification, c.Rectified, c.Institutions));
        Assert.Equal(1.0, c.RectificationRate.Rate);
        Assert.Null(c.HisLevel3Rate.Rate); // no HIS: no rate, rather than 0 %

        var b = rows[2];
        Assert.Equal((1, 0, 0), (b.Systems, b.Graded, b.Level3OrAbove));
        Assert.Equal(0.0, b.GradingRate.Rate);
        Assert.Null(b.AssessmentRate.Rate);

        var total = LifecycleStatistics.Total(rows);
        Assert.Null(total.Tier);
        Assert.Equal((3, 4, 3, 2), (total.Institutions, total.Systems, total.Graded, total.Filed));
        Assert.Equal(0.5, total.RectificationRate.Rate);
    }

    [Fact]
    public async Task AnAssessmentWindowLeavesOutOldAssessments()
    {
        await using var db = Open();
        SampleProvince.WriteTo(db);
        var rows = await new SectorStatistics(db).ByTierAsync(assessedSince: SampleProvince.Today.AddYears(-1));
        Assert.Equal(1, rows.Single(r => r.Tier == HospitalTier.TertiaryA).Level3OrAboveAssessed);
        Assert.Equal(0, rows.Single(r => r.Tier == HospitalTier.Tertiary).Level3OrAboveAssessed); // PACS was tested 400 days ago
    }

    [Fact]
    public async Task StatisticsFollowTheTenantAndTheRegion()
    {
        await using (var system = Open())
        {
            SampleProvince.WriteTo(system);
            var city = await new SectorStatistics(system).ByTierAsync(regionPrefix: "3302");
            Assert.Equal([HospitalTier.Tertiary], city.Select(r => r.Tier!.Value));
        }

        await using var db = Open(TenantScope.ForRegulator("3301"));
        var rows = await new SectorStatistics(db).ByTierAsync();
        Assert.Equal([HospitalTier.TertiaryA, HospitalTier.Secondary], rows.Select(r => r.Tier!.Value));
        Assert.Equal(3, LifecycleStatistics.Total(rows).Systems);
        // Asking for another region from inside a regulator's scope gives nothing, not the other region.
        Assert.Empty(await new SectorStatistics(db).ByTierAsync(regionPrefix: "3302"));
    }

    [Fact]
    public async Task LifecycleRatesPerRegion()
    {
        await using var db = Open();
        SampleProvince.WriteTo(db);
        var statistics = new SectorStatistics(db);

        var cities = await statistics.ByRegionAsync(4);
        Assert.Equal(["3301", "3302"], cities.Select(r => r.Region!));
        Assert.All(cities, r => Assert.Null(r.Tier));
        Assert.Equal((2, 3, 2, 1, 1), (cities[0].Institutions, cities[0].Systems, cities[0].Graded, cities[0].Filed, cities[0].NeedingRectification));
        Assert.Equal((1, 1, 1, 1), (cities[1].Institutions, cities[1].Systems, cities[1].Filed, cities[1].Rectified));

        var counties = await statistics.ByRegionAsync(6, regionPrefix: "3301");
        Assert.Equal(["330102", "330106"], counties.Select(r => r.Region!));
        Assert.Equal(2, counties[0].Systems);

        var province = Assert.Single(await statistics.ByRegionAsync(2));
        Assert.Equal(("33", 3, 4), (province.Region, province.Institutions, province.Systems));

        var surveys = await statistics.SurveyByRegionAsync(4);
        Assert.Equal(["3301", "3302"], surveys.Select(r => r.Region!));
        Assert.Equal(new Share(1, 2), surveys[0].AtLeastFiveSecurityStaff);
        Assert.Equal(new Share(2, 2), surveys[0].LacksProfessionals);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => statistics.ByRegionAsync(0));
    }

    [Fact]
    public async Task SurveySharesCountOnlyAnsweredQuestions()
    {
        await using var db = Open();
        SampleProvince.WriteTo(db);
        db.Institutions.Add(new Institution { Name = "丁医院", Region = "330104", Tier = HospitalTier.TertiaryA }); // answered nothing
        await db.SaveChangesAsync();

        var rows = await new SectorStatistics(db).SurveyByTierAsync();
        var a = rows.Single(r => r.Tier == HospitalTier.TertiaryA);
        Assert.Equal(2, a.Institutions);
        Assert.Equal(new Share(1, 1), a.AtLeastFiveSecurityStaff);
        Assert.Equal(new Share(1, 1), a.AtLeastMillionRecords);
        Assert.Equal(new Share(0, 0), a.UsesDomesticDatabase);
        Assert.Null(a.UsesDomesticDatabase.Rate);

        var c = rows.Single(r => r.Tier == HospitalTier.Tertiary);
        Assert.Equal(new Share(1, 1), c.AtLeastFiveSecurityStaff); // exactly 5 counts
        Assert.Equal(new Share(0, 0), c.AtLeastMillionRecords);
        Assert.Equal(new Share(0, 1), c.LacksProfessionals);

        var b = rows.Single(r => r.Tier == HospitalTier.Secondary);
        Assert.Equal(new Share(0, 1), b.AtLeastFiveSecurityStaff);
        Assert.Equal(new Share(0, 1), b.UsesCryptoDevices);
        Assert.Equal(new Share(1, 1), b.LacksProfessionals);
    }
}

public sealed class SqliteStatisticsTests : StatisticsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresStatisticsTests : StatisticsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
