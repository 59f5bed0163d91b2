using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Repositories;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Tests;

public abstract class RepositoryTests : StorageTestBase
{
    private static readonly DateOnly Today = SampleProvince.Today;

    [Fact]
    public async Task InstitutionRoundTripsWithSurveyAndContacts()
    {
        var institution = new Institution
        {
            Name = "省人民医院",
            CreditCode = "12330000470000000X",
            Tier = HospitalTier.TertiaryA,
            Region = "330000",
            DirectlyAffiliated = true,
            Address = "上城区",
            Survey = new InstitutionSurvey
            {
                SecurityStaffCount = 7,
                PersonalDataRecords = 3_000_000_000,
                UsesCryptoDevices = true,
                UsesCryptoAlgorithms = false,
                UsesDomesticCryptoProducts = null,
                UsesDomesticOperatingSystem = true,
                UsesDomesticDatabase = false,
                UsesDomesticMiddleware = true,
                LacksProfessionals = true,
                SurveyedOn = new DateOnly(2024, 12, 31),
            },
            Contacts =
            [
                new InstitutionContact { Name = "李四", Role = ContactRole.SecurityDepartment, Title = "信息中心主任", Phone = "0571-88888888", Email = "a@b.cn" },
                new InstitutionContact { Name = "王五", Role = ContactRole.DataSecurityDepartment },
            ],
        };
        await using (var db = Open())
        {
            await new InstitutionRepository(db).AddAsync(institution);
        }

        await using (var db = Open())
        {
            var loaded = await new InstitutionRepository(db).GetAsync(institution.Id);
            Assert.NotNull(loaded);
            Assert.Equal("省人民医院", loaded.Name);
            Assert.Equal("12330000470000000X", loaded.CreditCode);
            Assert.Equal(HospitalTier.TertiaryA, loaded.Tier);
            Assert.True(loaded.DirectlyAffiliated);
            Assert.Equal(7, loaded.Survey.SecurityStaffCount);
            Assert.Equal(3_000_000_000, loaded.Survey.PersonalDataRecords);
            Assert.True(loaded.Survey.UsesCryptoDevices);
            Assert.False(loaded.Survey.UsesCryptoAlgorithms);
            Assert.Null(loaded.Survey.UsesDomesticCryptoProducts);
            Assert.True(loaded.Survey.UsesDomesticOperatingSystem);
            Assert.False(loaded.Survey.UsesDomesticDatabase);
            Assert.True(loaded.Survey.UsesDomesticMiddleware);
            Assert.True(loaded.Survey.LacksProfessionals);
            Assert.Equal(new DateOnly(2024, 12, 31), loaded.Survey.SurveyedOn);
            Assert.Equal(["李四", "王五"], loaded.Contacts.Select(c => c.Name).Order());
            Assert.Equal(ContactRole.DataSecurityDepartment, loaded.Contacts.Single(c => c.Name == "王五").Role);

            loaded.Tier = HospitalTier.Tertiary;
            loaded.Survey.SecurityStaffCount = 3;
            await new InstitutionRepository(db).SaveAsync();
        }

        await using (var db = Open())
        {
            var loaded = await new InstitutionRepository(db).GetAsync(institution.Id);
            Assert.Equal(HospitalTier.Tertiary, loaded!.Tier);
            Assert.Equal(3, loaded.Survey.SecurityStaffCount);
            // Enums are stored by name, portable across providers and renumbering.
            var stored = await db.Database.SqlQueryRaw<string>("SELECT \"Tier\" AS \"Value\" FROM \"Institutions\"").SingleAsync();
            Assert.Equal("Tertiary", stored);
        }
    }

    [Fact]
    public async Task InstitutionsListByRegionTierAndName()
    {
        await using var db = Open();
        SampleProvince.WriteTo(db);
        var repository = new InstitutionRepository(db);

        Assert.Equal(["甲医院", "乙医院"], (await repository.ListAsync(new InstitutionQuery { RegionPrefix = "3301" })).Select(i => i.Name));
        Assert.Equal(["丙医院"], (await repository.ListAsync(new InstitutionQuery { Tier = HospitalTier.Tertiary })).Select(i => i.Name));
        Assert.Equal(["甲医院"], (await repository.ListAsync(new InstitutionQuery { DirectlyAffiliated = true })).Select(i => i.Name));
        Assert.Equal(["乙医院"], (await repository.ListAsync(new InstitutionQuery { NameContains = "乙" })).Select(i => i.Name));
        Assert.Equal(3, (await repository.ListAsync()).Count);

        var byTier = await repository.CountByTierAsync();
        Assert.Equal(1, byTier[HospitalTier.TertiaryA]);
        Assert.Equal(1, byTier[HospitalTier.Secondary]);
        Assert.False(byTier.ContainsKey(HospitalTier.Primary));
    }

    [Fact]
    public async Task SystemRoundTripsWithGradingAndFiling()
    {
        Guid systemId;
        await using (var db = Open())
        {
            var province = SampleProvince.WriteTo(db);
            var system = new ProtectedSystem
            {
                Name = "互联网医院",
                InstitutionId = province.A.Id,
                Type = GradingObjectType.MobileInternet,
                Business = BusinessKind.MobileApp,
                IsCore = true,
                IsCriticalInfrastructure = true,
                InternetFacing = true,
                InServiceSince = new DateOnly(2020, 3, 1),
                Description = "APP+小程序",
            };
            await new SystemRepository(db).AddAsync(system);
            systemId = system.Id;
            await new SystemRepository(db).SetGradingAsync(systemId, new GradingRecord
            {
                BusinessInformationLevel = ProtectionLevel.Level2,
                SystemServiceLevel = ProtectionLevel.Level2,
                Level = ProtectionLevel.Level3,
                MatrixEdition = "公网安〔2025〕1846号",
                Reasons = ["S2A2", "关键信息基础设施至少第三级"],
                GradedOn = new DateOnly(2025, 1, 10),
                ExpertReviewed = true,
                ExpertReviewedOn = new DateOnly(2025, 1, 20),
                SupervisorApproved = true,
                SupervisorApprovedOn = new DateOnly(2025, 2, 1),
            });
            await new SystemRepository(db).SetFilingAsync(systemId, new FilingRecord
            {
                FiledOn = new DateOnly(2025, 2, 5),
                CertificateNumber = "33010099-2025",
                PoliceOrgan = "杭州市公安局网安支队",
                CertificateIssuedOn = new DateOnly(2025, 2, 19),
                CertificateValidUntil = new DateOnly(2028, 2, 18),
            });
        }

        await using (var db = Open())
        {
            var repository = new SystemRepository(db);
            var loaded = await repository.GetAsync(systemId);
            Assert.NotNull(loaded);
            Assert.Equal("甲医院", loaded.Institution!.Name);
            Assert.Equal(GradingObjectType.MobileInternet, loaded.Type);
            Assert.Equal(BusinessKind.MobileApp, loaded.Business);
            Assert.True(loaded.IsCore && loaded.IsCriticalInfrastructure && loaded.InternetFacing);
            Assert.Equal(new DateOnly(2020, 3, 1), loaded.InServiceSince);
            Assert.Equal(ProtectionLevel.Level3, loaded.Grading!.Level);
            Assert.Equal("S2A2", loaded.Grading.Notation);
            Assert.Equal(["S2A2", "关键信息基础设施至少第三级"], loaded.Grading.Reasons);
            Assert.Equal("公网安〔2025〕1846号", loaded.Grading.MatrixEdition);
            Assert.Equal(new DateOnly(2025, 1, 20), loaded.Grading.ExpertReviewedOn);
            Assert.True(loaded.Grading.SupervisorApproved);
            Assert.Equal("33010099-2025", loaded.Filing!.CertificateNumber);
            Assert.Equal(new DateOnly(2028, 2, 18), loaded.Filing.CertificateValidUntil);

            // Re-grading replaces the record: one grading per system.
            await repository.SetGradingAsync(systemId, new GradingRecord
            {
                BusinessInformationLevel = ProtectionLevel.Level3,
                SystemServiceLevel = ProtectionLevel.Level3,
                Level = ProtectionLevel.Level3,
                GradedOn = new DateOnly(2025, 5, 1),
            });
            Assert.Single(await db.Gradings.Where(g => g.SystemId == systemId).ToListAsync());
            Assert.Equal("S3A3", (await repository.GetAsync(systemId))!.Grading!.Notation);

            Assert.Equal(["互联网医院"], (await repository.ListAsync(new SystemQuery { CriticalInfrastructure = true })).Select(s => s.Name));
            Assert.Equal(["HIS", "PACS", "互联网医院"], (await repository.ListAsync(new SystemQuery { Level = ProtectionLevel.Level3 })).Select(s => s.Name).Order(StringComparer.Ordinal));
            Assert.Equal(["LIS"], (await repository.ListAsync(new SystemQuery { Graded = false })).Select(s => s.Name));
            Assert.Equal(["门户网站"], (await repository.ListAwaitingFilingAsync()).Select(s => s.Name));
        }
    }

    [Fact]
    public async Task AssessmentRoundTripsWithItemResults()
    {
        await using var setup = Open();
        var province = SampleProvince.WriteTo(setup);

        await using (var db = Open())
        {
            var repository = new AssessmentRepository(db);
            var loaded = await repository.GetAsync(province.HisAssessment.Id);
            Assert.NotNull(loaded);
            Assert.Equal(["移动互联"], loaded.Extensions);
            Assert.Equal(province.AgencyX.Id, loaded.AgencyId);
            Assert.Equal(78.5, loaded.Score);
            Assert.Equal(["L3-CES1-01", "L3-CES1-02", "L3-PES1-01"], loaded.Results.Select(r => r.ItemCode));
            var weak = loaded.Results[0];
            Assert.Equal(ItemResultValue.NonConforming, weak.Result);
            Assert.Equal("弱口令", weak.Evidence);
            Assert.Equal(["6.4.3.1"], weak.HighRiskCases);
            Assert.True(weak.MajorHazard);

            // Setting a result again replaces it instead of adding a second row for the item.
            await repository.SetResultAsync(loaded.Id, new ItemResult { ItemCode = "L3-CES1-01", Result = ItemResultValue.Conforming, Evidence = "已改为强口令" });
            await repository.SetResultAsync(loaded.Id, new ItemResult { ItemCode = "L3-ABS1-01", Result = ItemResultValue.NotApplicable });
            await repository.SetConclusionAsync(loaded.Id, "2021", "良", 85.25);
        }

        await using (var db = Open())
        {
            var repository = new AssessmentRepository(db);
            var loaded = await repository.GetAsync(province.HisAssessment.Id);
            Assert.Equal(4, loaded!.Results.Count);
            Assert.Equal(ItemResultValue.Conforming, loaded.Results.Single(r => r.ItemCode == "L3-CES1-01").Result);
            Assert.Equal(("2021", "良", 85.25), (loaded.Template, loaded.Conclusion, loaded.Score!.Value));
            Assert.Empty(await repository.MajorHazardsAsync(province.His.Id)); // the hazard item was re-judged
            Assert.Equal(province.HisAssessment.Id, (await repository.LatestForSystemAsync(province.His.Id))!.Id);
            Assert.Equal(2, (await repository.ListForSystemAsync(province.His.Id)).Count + (await repository.ListForSystemAsync(province.Pacs.Id)).Count);

            await Assert.ThrowsAsync<KeyNotFoundException>(() => repository.SetResultAsync(Guid.NewGuid(), new ItemResult { ItemCode = "L3-CES1-01" }));
        }
    }

    [Fact]
    public async Task MajorHazardsAreListedWithTheirSystem()
    {
        await using var db = Open();
        var province = SampleProvince.WriteTo(db);
        var hazards = await new AssessmentRepository(db).MajorHazardsAsync();
        var hazard = Assert.Single(hazards);
        Assert.Equal((province.His.Id, "L3-CES1-01", ItemResultValue.NonConforming), (hazard.SystemId, hazard.ItemCode, hazard.Result));
    }

    [Fact]
    public async Task DuplicateItemResultsInOneAssessmentAreRefused()
    {
        await using var db = Open();
        var province = SampleProvince.WriteTo(db);
        db.ItemResults.Add(new ItemResult { AssessmentId = province.HisAssessment.Id, ItemCode = "L3-CES1-01", Result = ItemResultValue.Conforming });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task RectificationsFollowTheirLifecycle()
    {
        await using var db = Open();
        var province = SampleProvince.WriteTo(db);
        var repository = new RectificationRepository(db);

        // A second assessment of the portal with two shortfalls and one pass → two tasks; a second run adds none.
        var assessment = await new AssessmentRepository(db).AddAsync(new AssessmentRecord
        {
            SystemId = province.Portal.Id,
            Level = 2,
            AssessedOn = Today,
            Results =
            [
                new ItemResult { ItemCode = "L2-ABS1-01", Result = ItemResultValue.NonConforming, Risk = "高" },
                new ItemResult { ItemCode = "L2-CES1-03", Result = ItemResultValue.PartiallyConforming },
                new ItemResult { ItemCode = "L2-PES1-01", Result = ItemResultValue.Conforming },
                new ItemResult { ItemCode = "L2-PES1-02", Result = ItemResultValue.NotApplicable },
            ],
        });
        var created = await repository.CreateFromAssessmentAsync(assessment.Id, Today, Today.AddDays(60), "信息科", r => $"整改 {r.ItemCode}");
        Assert.Equal(["L2-ABS1-01", "L2-CES1-03"], created.Select(c => c.ItemCode));
        Assert.Equal("整改 L2-ABS1-01", created[0].Title);
        Assert.Equal("高", created[0].Risk);
        Assert.Empty(await repository.CreateFromAssessmentAsync(assessment.Id, Today, Today.AddDays(60)));
        Assert.Equal(2, (await repository.ListForSystemAsync(province.Portal.Id)).Count);

        // The sample's HIS task due yesterday is overdue; the fixed one is not open.
        var overdue = await repository.ListOverdueAsync(Today);
        Assert.Equal(["修改弱口令"], overdue.Select(r => r.Title));
        Assert.Equal(3, (await repository.ListOpenAsync()).Count);

        var task = created[0];
        await repository.UpdateStatusAsync(task.Id, RectificationStatus.Fixed, "已关闭对外端口", Today.AddDays(3));
        var failed = await repository.RecordRetestAsync(task.Id, Today.AddDays(5), passed: false, "端口仍开放");
        Assert.Equal(RectificationStatus.InProgress, failed.Status);
        var passed = await repository.RecordRetestAsync(task.Id, Today.AddDays(9), passed: true);
        Assert.Equal(RectificationStatus.Verified, passed.Status);

        await using var again = Open();
        var loaded = await new RectificationRepository(again).GetAsync(task.Id);
        Assert.Equal((RectificationStatus.Verified, "已关闭对外端口", Today.AddDays(3), Today.AddDays(9), true),
            (loaded!.Status, loaded.FixEvidence, loaded.FixedOn!.Value, loaded.RetestedOn!.Value, loaded.RetestPassed!.Value));
    }

    [Fact]
    public async Task DeletingAnInstitutionCascadesThroughEverythingUnderIt()
    {
        SampleProvince province;
        await using (var db = Open())
        {
            province = SampleProvince.WriteTo(db);
        }

        // A fresh context tracks none of the children: the database's own cascades must do the work.
        await using (var db = Open())
        {
            Assert.True(await new InstitutionRepository(db).DeleteAsync(province.A.Id));
            Assert.False(await new InstitutionRepository(db).DeleteAsync(province.A.Id));
        }

        await using (var db = Open())
        {
            Assert.Equal(2, await db.Institutions.CountAsync());
            Assert.Equal(["LIS", "PACS"], await db.Systems.OrderBy(s => s.Name).Select(s => s.Name).ToListAsync());
            Assert.Equal(1, await db.Gradings.CountAsync());
            Assert.Equal(1, await db.Assessments.CountAsync());
            Assert.Equal(0, await db.ItemResults.CountAsync());
            Assert.Equal(1, await db.Rectifications.CountAsync());
            Assert.Equal(0, await db.InstitutionContacts.CountAsync());
            Assert.Equal(2, await db.AgencyAssignments.CountAsync());
            // The account of the deleted institution's staff stays, unlinked.
            Assert.Null((await db.Users.SingleAsync(u => u.UserName == "staff-a")).InstitutionId);
        }
    }

    [Fact]
    public async Task AgencyAssignmentsKeepTheirInstitutionCopiesInStep()
    {
        await using var db = Open();
        var province = SampleProvince.WriteTo(db);
        var repository = new SystemRepository(db);
        var assignment = await repository.AssignAgencyAsync(province.Portal.Id, province.AgencyY.Id, Today);
        Assert.Equal((province.A.Id, "330102"), (assignment.InstitutionId, assignment.InstitutionRegion));
        Assert.Same(assignment, await repository.AssignAgencyAsync(province.Portal.Id, province.AgencyY.Id, Today));
        Assert.Equal(["LIS", "门户网站"], (await repository.ListAssignedToAgencyAsync(province.AgencyY.Id)).Select(s => s.Name).Order(StringComparer.Ordinal));

        // The institution moves region: every assignment under it follows, including ones not loaded.
        db.ChangeTracker.Clear();
        var a = await db.Institutions.SingleAsync(i => i.Id == province.A.Id);
        a.Region = "330203";
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        Assert.All(await db.AgencyAssignments.Where(x => x.InstitutionId == province.A.Id).ToListAsync(), x => Assert.Equal("330203", x.InstitutionRegion));

        // A system moves institution: its assignments follow.
        var portal = await db.Systems.SingleAsync(s => s.Id == province.Portal.Id);
        portal.InstitutionId = province.B.Id;
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var moved = await db.AgencyAssignments.SingleAsync(x => x.SystemId == province.Portal.Id);
        Assert.Equal((province.B.Id, "330106"), (moved.InstitutionId, moved.InstitutionRegion));

        Assert.True(await repository.UnassignAgencyAsync(province.Portal.Id, province.AgencyY.Id));
        Assert.False(await repository.UnassignAgencyAsync(province.Portal.Id, province.AgencyY.Id));
    }

    [Fact]
    public async Task UsersRoundTripWithUniqueNamesAndUtcInstants()
    {
        var lockout = new DateTime(2025, 6, 1, 8, 30, 15, 123, DateTimeKind.Utc);
        await using (var db = Open())
        {
            SampleProvince.WriteTo(db);
            var user = await db.Users.SingleAsync(u => u.UserName == "staff-a");
            user.FailedLoginCount = 5;
            user.LockoutUntil = lockout;
            user.TotpSecretEncrypted = [1, 2, 3, 250];
            user.PasswordHash = "pbkdf2-sha256$600000$c2FsdA==$aGFzaA==";
            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            var user = await db.Users.SingleAsync(u => u.NormalizedUserName == "STAFF-A");
            Assert.Equal(UserRole.InstitutionStaff, user.Role);
            Assert.Equal(5, user.FailedLoginCount);
            Assert.Equal(lockout, user.LockoutUntil);
            Assert.Equal(DateTimeKind.Utc, user.LockoutUntil!.Value.Kind);
            Assert.Equal([1, 2, 3, 250], user.TotpSecretEncrypted);
            Assert.Equal(1, await db.Users.CountAsync(u => u.LockoutUntil > lockout.AddSeconds(-1)));

            // Names are unique whatever their case: storage fills the normalized copy the unique index is on.
            db.Users.Add(new PlatformUser { UserName = " Staff-A", DisplayName = "冒名", Role = UserRole.Admin });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            var other = new PlatformUser { UserName = "Regulator-1", DisplayName = "监管", Role = UserRole.RegulatorStaff, Region = "33" };
            db.Users.Add(other);
            await db.SaveChangesAsync();
            Assert.Equal("REGULATOR-1", other.NormalizedUserName);
            Assert.Equal(other.Id, (await db.Users.SingleAsync(u => u.NormalizedUserName == PlatformUser.Normalize("regulator-1 "))).Id);
        }
    }

    [Fact]
    public async Task AuditEntriesKeepTheirOrderAndHashes()
    {
        await using (var db = Open())
        {
            SampleProvince.WriteTo(db);
            db.AuditEntries.Add(new AuditEntry
            {
                Sequence = 2,
                Action = "update",
                EntityType = "ProtectedSystem",
                EntityId = "x",
                UserName = "admin",
                SourceAddress = "127.0.0.1",
                Detail = "{\"Name\":\"HIS\"}",
                PreviousHash = "00",
                Hash = "ab",
            });
            await db.SaveChangesAsync();
        }

        await using (var db = Open())
        {
            var chain = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal([1L, 2L], chain.Select(e => e.Sequence));
            Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
            Assert.Equal("127.0.0.1", chain[1].SourceAddress);
            db.AuditEntries.Add(new AuditEntry { Sequence = 2, Action = "dup" });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
    }
}

public sealed class SqliteRepositoryTests : RepositoryTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresRepositoryTests : RepositoryTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
