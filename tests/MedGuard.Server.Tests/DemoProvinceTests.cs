using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Server.Demo;

namespace MedGuard.Server.Tests;

/// <summary>The demo province is reproducible and its per-tier rates resemble the seed's survey (DOMAIN.md §7).</summary>
public sealed class DemoProvinceTests
{
    private static readonly DemoProvince Province = DemoProvince.Generate(PlatformFixture.DemoToday);

    [Fact]
    public void SameSeedSameProvince()
    {
        var again = DemoProvince.Generate(PlatformFixture.DemoToday);
        Assert.Equal(Province.Institutions.Select(i => (i.Id, i.Name, i.Systems.Count)), again.Institutions.Select(i => (i.Id, i.Name, i.Systems.Count)));
        Assert.NotEqual(Province.Institutions[30].Id, DemoProvince.Generate(PlatformFixture.DemoToday, seed: 7).Institutions[30].Id);
    }

    [Fact]
    public void ShapeOfTheProvince()
    {
        Assert.Equal(22, Province.Institutions.Count(i => i.DirectlyAffiliated));
        Assert.InRange(Province.Institutions.Count, 250, 400);
        Assert.All(Province.Institutions, i => Assert.StartsWith("11", i.Region, StringComparison.Ordinal));
        Assert.Equal(Province.Institutions.Count, Province.Institutions.Select(i => i.CreditCode).Distinct().Count());
        Assert.Equal(Enum.GetValues<UserRole>().Order(), Province.Users.Select(u => u.Role).Distinct().Order());
        var demoHis = Province.Institutions.Single(i => i.Name == DemoProvince.DemoHospitalName).Systems.Single(s => s.Business == BusinessKind.His);
        Assert.Null(demoHis.Grading); // left for the walk-through
        Assert.Contains(demoHis.AgencyAssignments, a => a.AgencyId == Province.Agencies[0].Id);
    }

    [Theory]
    [InlineData(HospitalTier.TertiaryA, 57.6, 53.2, 84.2, 40.0)]
    [InlineData(HospitalTier.Tertiary, 46.2, 31.9, 71.4, 31.9)]
    [InlineData(HospitalTier.Secondary, 37.7, 26.4, 5.7, 17.6)]
    public void TierRatesResembleTheSurvey(HospitalTier tier, double graded, double filed, double assessed, double rectified)
    {
        var hospitals = Province.Institutions.Where(i => i.Tier == tier && !i.DirectlyAffiliated).ToList();
        var systems = hospitals.SelectMany(i => i.Systems).ToList();
        var level3 = systems.Where(s => s.Grading?.Level == ProtectionLevel.Level3).ToList();
        var withTasks = systems.Where(s => s.Rectifications.Count > 0).ToList();
        Assert.InRange(Percent(systems.Count(s => s.Grading is not null), systems.Count), graded - 2, graded + 2);
        // Filing needs level ≥ 2, so the few level-1 systems among the quota pull the rate down a little.
        Assert.InRange(Percent(systems.Count(s => s.Filing is not null), systems.Count), filed - 4, filed + 2);
        // 测评率 counts 等级测评 only (a hospital's 自查 does not).
        Assert.InRange(Percent(level3.Count(s => s.Assessments.Any(a => a.CountsAsAssessment(PlatformFixture.DemoToday))), level3.Count), assessed - 8, assessed + 8);
        // 整改率 per system, as storage's sector statistics count it: every task of the system closed.
        Assert.InRange(Percent(withTasks.Count(s => s.Rectifications.All(t => RectificationItem.IsClosed(t.Status))), withTasks.Count), rectified - 6, rectified + 6);
    }

    [Fact]
    public void ProcessFollowsTheRoles()
    {
        var systems = Province.Institutions.SelectMany(i => i.Systems).ToList();
        var approvals = systems.Select(s => s.Grading).OfType<GradingRecord>().Where(g => g.Level >= ProtectionLevel.Level2).ToList();
        Assert.NotEmpty(approvals);
        Assert.All(approvals, g =>
        {
            Assert.Equal(ApprovalState.Approved, g.Approval);
            Assert.Equal(Province.Users.Single(u => u.UserName == "regulator").DisplayName, g.ApprovalDecidedBy);
            Assert.False(string.IsNullOrWhiteSpace(g.ExpertReviewers));
            Assert.True(g.ApprovalRequestedOn <= g.SupervisorApprovedOn);
        });
        var filings = systems.Select(s => s.Filing).OfType<FilingRecord>().ToList();
        Assert.All(filings, f => Assert.True(f.IsCertified && f.CertificateIssuedOn <= PlatformFixture.DemoToday));
        var assessments = systems.SelectMany(s => s.Assessments).ToList();
        Assert.All(assessments.Where(a => a.Kind == AssessmentKind.LevelAssessment), a => Assert.NotNull(a.AgencyId));
        var selfInspections = assessments.Where(a => a.Kind == AssessmentKind.SelfInspection).ToList();
        Assert.InRange(selfInspections.Count, 5, 200);
        Assert.All(selfInspections, a => Assert.Null(a.AgencyId));
    }

    private static double Percent(int part, int whole) => whole == 0 ? 0 : 100.0 * part / whole;
}
