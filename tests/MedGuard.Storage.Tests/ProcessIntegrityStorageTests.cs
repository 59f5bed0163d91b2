using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Statistics;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Tests;

/// <summary>
/// Storage's half of the process rules (issue 11): assignments give access only while they run, an agency's results
/// are read-only to the hospital (and a 自查 to the agency), deadlines and approvals are not the hospital's to set, and
/// the statistics count only real 测评 and 备案 with a certificate.
/// </summary>
public abstract class ProcessIntegrityStorageTests : StorageTestBase
{
    private static readonly DateOnly Today = SampleProvince.Today;

    [Fact]
    public async Task AnEndedOrNotYetStartedAssignmentReadsAndWritesNothing()
    {
        SampleProvince p;
        await using (var db = Open())
        {
            p = SampleProvince.WriteTo(db);
        }

        var agencyX = TenantScope.ForAgency(p.AgencyX.Id);
        await using (var db = Open(agencyX, Today))
        {
            Assert.Equal(["HIS", "PACS"], await db.Systems.OrderBy(s => s.Name).Select(s => s.Name).ToListAsync());
            Assert.Equal(1, await db.InstitutionContacts.CountAsync()); // 甲医院's contact, while HIS is assigned
        }

        // HIS's assignment ended yesterday; PACS's starts tomorrow.
        await using (var db = Open())
        {
            (await db.AgencyAssignments.SingleAsync(a => a.SystemId == p.His.Id)).EndsOn = Today.AddDays(-1);
            (await db.AgencyAssignments.SingleAsync(a => a.SystemId == p.Pacs.Id)).AssignedOn = Today.AddDays(1);
            await db.SaveChangesAsync();
        }

        await using (var db = Open(agencyX, Today))
        {
            Assert.Empty(await db.Systems.ToListAsync());
            Assert.Empty(await db.Institutions.ToListAsync());
            Assert.Empty(await db.InstitutionContacts.ToListAsync());
            Assert.Empty(await db.Assessments.ToListAsync());
            Assert.Empty(await db.ItemResults.ToListAsync());
            Assert.Empty(await db.Rectifications.ToListAsync());

            // Writing through ids it remembers is refused too.
            db.Rectifications.Add(new RectificationItem { SystemId = p.His.Id, Title = "越权新增" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            db.Attach(p.HisAssessment.Results[0]);
            db.Entry(p.HisAssessment.Results[0]).Property(r => r.Result).CurrentValue = ItemResultValue.Conforming;
            db.Entry(p.HisAssessment.Results[0]).Property(r => r.Result).IsModified = true;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        }

        // The day before the end the engagement still ran; from the start day PACS is visible.
        await using (var db = Open(agencyX, Today.AddDays(-1)))
        {
            Assert.Equal(["HIS"], await db.Systems.Select(s => s.Name).ToListAsync());
        }

        await using (var db = Open(agencyX, Today.AddDays(1)))
        {
            Assert.Equal(["PACS"], await db.Systems.Select(s => s.Name).ToListAsync());
        }
    }

    [Fact]
    public async Task TheHospitalCannotOverwriteTheAgencysResultsNorTheAgencyASelfInspection()
    {
        SampleProvince p;
        await using (var db = Open())
        {
            p = SampleProvince.WriteTo(db);
        }

        var hospital = TenantScope.ForInstitution(p.A.Id);
        await using (var db = Open(hospital, Today))
        {
            // 不符合 → 符合 on the agency's 等级测评: refused, nothing saved.
            var row = await db.ItemResults.SingleAsync(r => r.ItemCode == "L3-CES1-01");
            row.Result = ItemResultValue.Conforming;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            db.ItemResults.Add(new ItemResult { AssessmentId = p.HisAssessment.Id, ItemCode = "L3-CES1-03", Result = ItemResultValue.Conforming });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            var assessment = await db.Assessments.SingleAsync(a => a.Id == p.HisAssessment.Id);
            assessment.Conclusion = "符合";
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Nor may it pass its own record off as a 等级测评.
            db.Assessments.Add(new AssessmentRecord { SystemId = p.Portal.Id, Level = 2, AssessedOn = Today, Kind = AssessmentKind.LevelAssessment });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
        }

        await using (var db = Open())
        {
            Assert.Equal(ItemResultValue.NonConforming, (await db.ItemResults.SingleAsync(r => r.ItemCode == "L3-CES1-01")).Result);
            Assert.Equal("基本符合", (await db.Assessments.SingleAsync(a => a.Id == p.HisAssessment.Id)).Conclusion);
        }

        // Its own 自查 it writes freely; the agency assigned to the system reads it but cannot write into it.
        var self = new AssessmentRecord { SystemId = p.His.Id, Level = 3, AssessedOn = Today, Kind = AssessmentKind.SelfInspection };
        await using (var db = Open(hospital, Today))
        {
            db.Assessments.Add(self);
            db.ItemResults.Add(new ItemResult { AssessmentId = self.Id, ItemCode = "L3-CES1-01", Result = ItemResultValue.Conforming });
            await db.SaveChangesAsync();
        }

        // The regulator reads both kinds and writes neither.
        await using (var db = Open(TenantScope.ForRegulator("3301"), Today))
        {
            (await db.ItemResults.SingleAsync(r => r.ItemCode == "L3-CES1-01" && r.AssessmentId == p.HisAssessment.Id)).Result = ItemResultValue.Conforming;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            (await db.ItemResults.SingleAsync(r => r.AssessmentId == self.Id)).Result = ItemResultValue.NonConforming;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        }

        await using (var db = Open(TenantScope.ForAgency(p.AgencyX.Id), Today))
        {
            var row = await db.ItemResults.SingleAsync(r => r.AssessmentId == self.Id);
            row.Result = ItemResultValue.NonConforming;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            (await db.ItemResults.SingleAsync(r => r.ItemCode == "L3-CES1-01" && r.AssessmentId == p.HisAssessment.Id)).Evidence = "补充证据";
            await db.SaveChangesAsync(); // its own 等级测评 stays writable
        }
    }

    [Fact]
    public async Task DeadlinesMoveOnlyByAnApprovedRequestAndApprovalIsTheRegulators()
    {
        SampleProvince p;
        await using (var db = Open())
        {
            p = SampleProvince.WriteTo(db);
        }

        var hospital = TenantScope.ForInstitution(p.A.Id);
        Guid taskId;
        await using (var db = Open(hospital, Today))
        {
            var task = await db.Rectifications.SingleAsync(r => r.Title == "修改弱口令");
            taskId = task.Id;
            task.DueOn = Today.AddDays(60);
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            task = await db.Rectifications.SingleAsync(r => r.Id == taskId);
            task.Status = RectificationStatus.Verified;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            var grading = await db.Gradings.SingleAsync(g => g.SystemId == p.Portal.Id);
            grading.SupervisorApproved = true;
            grading.SupervisorApprovedOn = Today;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Asking is the hospital's: a pending request, undecided.
            db.ExtensionRequests.Add(new DeadlineExtensionRequest
            {
                RectificationId = taskId,
                SystemId = p.His.Id,
                RequestedBy = "甲医院信息科",
                Reason = "设备采购周期",
                RequestedDueOn = Today.AddDays(60),
                CurrentDueOn = Today.AddDays(-1),
            });
            await db.SaveChangesAsync();

            // …but not deciding its own request, nor filing one that comes pre-approved.
            var mine = await db.ExtensionRequests.SingleAsync();
            mine.Status = ExtensionStatus.Approved;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            db.ExtensionRequests.Add(new DeadlineExtensionRequest
            {
                RectificationId = taskId,
                SystemId = p.His.Id,
                RequestedBy = "甲医院信息科",
                Reason = "x",
                RequestedDueOn = Today.AddDays(90),
                Status = ExtensionStatus.Approved,
                DecidedBy = "自己",
            });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        }

        // Another region's regulator sees nothing to decide; the city's regulator approves and moves the deadline.
        await using (var db = Open(TenantScope.ForRegulator("3302"), Today))
        {
            Assert.Empty(await db.ExtensionRequests.ToListAsync());
        }

        await using (var db = Open(TenantScope.ForRegulator("3301"), Today))
        {
            var request = await db.ExtensionRequests.SingleAsync();
            request.Status = ExtensionStatus.Approved;
            request.DecidedBy = "市卫健委";
            request.DecidedAt = DateTime.UtcNow;
            (await db.Rectifications.SingleAsync(r => r.Id == taskId)).DueOn = request.RequestedDueOn;
            var grading = await db.Gradings.SingleAsync(g => g.SystemId == p.Portal.Id);
            grading.SupervisorApproved = true;
            grading.SupervisorApprovedOn = Today;
            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            Assert.Equal(Today.AddDays(60), (await db.Rectifications.SingleAsync(r => r.Id == taskId)).DueOn);
            Assert.Equal(ApprovalState.Approved, (await db.Gradings.SingleAsync(g => g.SystemId == p.Portal.Id)).Approval);
        }
    }

    [Fact]
    public async Task OnlyConcludedLevelAssessmentsByTodayAndCertifiedFilingsCount()
    {
        SampleProvince p;
        await using (var db = Open())
        {
            p = SampleProvince.WriteTo(db);

            // A new 三甲 district hospital whose level-3 systems have: an empty record dated 2099, an unconcluded one,
            // a concluded 自查, and a filing with no certificate. None of it is a 测评 or a 备案.
            var d = new Institution { Name = "丁医院", Region = "330108", Tier = HospitalTier.TertiaryA };
            var emr = new ProtectedSystem { Name = "EMR", InstitutionId = d.Id, Grading = Level3(), Filing = new FilingRecord { FiledOn = Today.AddDays(-10), CertificateNumber = null } };
            var lis = new ProtectedSystem { Name = "LIS2", InstitutionId = d.Id, Grading = Level3(), Filing = new FilingRecord { FiledOn = Today.AddDays(-10), CertificateNumber = "", CertificateIssuedOn = null } };
            var oa = new ProtectedSystem { Name = "OA", InstitutionId = d.Id, Grading = Level3() };
            db.AddRange(d, emr, lis, oa);
            db.AddRange(
                new AssessmentRecord { SystemId = emr.Id, Level = 3, AssessedOn = new DateOnly(2099, 1, 1), AgencyId = p.AgencyX.Id },
                new AssessmentRecord { SystemId = lis.Id, Level = 3, AssessedOn = Today.AddDays(-5), AgencyId = p.AgencyX.Id },
                new AssessmentRecord { SystemId = oa.Id, Level = 3, AssessedOn = Today.AddDays(-5), Kind = AssessmentKind.SelfInspection, Conclusion = "符合", Score = 95 });
            await db.SaveChangesAsync();
        }

        await using (var db = Open(TenantScope.System, Today))
        {
            var district = (await new SectorStatistics(db).ByRegionAsync(6, regionPrefix: "330108")).Single();
            Assert.Equal((3, 3, 0, 3, 0), (district.Systems, district.Graded, district.Filed, district.Level3OrAbove, district.Level3OrAboveAssessed));
            Assert.Equal(0.0, district.AssessmentRate.Rate);
            Assert.Equal(0.0, district.FilingRate.Rate);

            // The province's other figures are unchanged by them: 三甲 now has HIS (assessed) and 3 unassessed.
            var tertiaryA = (await new SectorStatistics(db).ByTierAsync()).Single(r => r.Tier == HospitalTier.TertiaryA);
            Assert.Equal((1, 4, 1), (tertiaryA.Filed, tertiaryA.Level3OrAbove, tertiaryA.Level3OrAboveAssessed));
        }

        // Seen from a day before the HIS assessment, that one is in the future too.
        await using (var db = Open(TenantScope.System, Today.AddDays(-31)))
        {
            var tertiaryA = (await new SectorStatistics(db).ByTierAsync()).Single(r => r.Tier == HospitalTier.TertiaryA);
            Assert.Equal(0, tertiaryA.Level3OrAboveAssessed);
        }
    }

    private static GradingRecord Level3() => new()
    {
        Level = ProtectionLevel.Level3,
        BusinessInformationLevel = ProtectionLevel.Level3,
        SystemServiceLevel = ProtectionLevel.Level2,
        GradedOn = Today.AddDays(-60),
        ExpertReviewed = true,
        SupervisorApproved = true,
    };
}

public sealed class SqliteProcessIntegrityStorageTests : ProcessIntegrityStorageTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresProcessIntegrityStorageTests : ProcessIntegrityStorageTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
