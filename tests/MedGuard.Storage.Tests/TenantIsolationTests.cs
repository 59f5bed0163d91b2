using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Providers;
using MedGuard.Storage.Tenancy;
using MedGuard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Tests;

/// <summary>Each scope reads only its own rows and cannot write outside them (see <see cref="SampleProvince"/>).</summary>
public abstract class TenantIsolationTests : StorageTestBase
{
    private SampleProvince _p = null!;

    private async Task<SampleProvince> SeedAsync()
    {
        await using var db = Open();
        _p = SampleProvince.WriteTo(db);
        return _p;
    }

    /// <summary>What a scope sees: sorted names per entity, counts for the rest.</summary>
    private async Task<Visible> SeeAsync(TenantScope scope)
    {
        await using var db = Open(scope);
        return new Visible(
            await db.Institutions.OrderBy(i => i.Name).Select(i => i.Name).ToListAsync(),
            await db.Systems.OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(),
            await db.Gradings.CountAsync(),
            await db.Filings.CountAsync(),
            await db.Assessments.CountAsync(),
            await db.ItemResults.CountAsync(),
            await db.Rectifications.CountAsync(),
            await db.AgencyAssignments.CountAsync(),
            await db.InstitutionContacts.CountAsync(),
            await db.Agencies.CountAsync(),
            await db.Users.CountAsync(),
            await db.AuditEntries.CountAsync());
    }

    private sealed record Visible(
        List<string> Institutions, List<string> Systems, int Gradings, int Filings, int Assessments, int ItemResults,
        int Rectifications, int Assignments, int Contacts, int Agencies, int Users, int Audit);

    [Fact]
    public async Task TheSystemScopeSeesEverything()
    {
        await SeedAsync();
        var seen = Sorted(await SeeAsync(TenantScope.System));
        Assert.Equal(["丙医院", "乙医院", "甲医院"], seen.Institutions);
        Assert.Equal(["HIS", "LIS", "PACS", "门户网站"], seen.Systems);
        Assert.Equal((3, 2, 2, 3, 3, 3, 1), (seen.Gradings, seen.Filings, seen.Assessments, seen.ItemResults, seen.Rectifications, seen.Assignments, seen.Contacts));
        Assert.Equal((2, 2, 1), (seen.Agencies, seen.Users, seen.Audit));
    }

    [Fact]
    public async Task ACityRegulatorSeesOnlyItsCity()
    {
        await SeedAsync();
        var seen = Sorted(await SeeAsync(TenantScope.ForRegulator("3301")));
        Assert.Equal(["乙医院", "甲医院"], seen.Institutions);
        Assert.Equal(["HIS", "LIS", "门户网站"], seen.Systems);
        Assert.Equal((2, 1, 1, 3, 2, 2, 1), (seen.Gradings, seen.Filings, seen.Assessments, seen.ItemResults, seen.Rectifications, seen.Assignments, seen.Contacts));
        Assert.Equal((2, 0, 0), (seen.Agencies, seen.Users, seen.Audit)); // the agency directory is public; accounts and audit are not
    }

    [Fact]
    public async Task AProvinceRegulatorSeesEveryCity()
    {
        await SeedAsync();
        var seen = await SeeAsync(TenantScope.ForRegulator("33"));
        Assert.Equal(3, seen.Institutions.Count);
        Assert.Equal(4, seen.Systems.Count);
        Assert.Equal(3, seen.Rectifications);
        Assert.Empty((await SeeAsync(TenantScope.ForRegulator("44"))).Systems);
    }

    [Fact]
    public async Task AnInstitutionSeesOnlyItself()
    {
        await SeedAsync();
        var seen = Sorted(await SeeAsync(TenantScope.ForInstitution(_p.A.Id)));
        Assert.Equal(["甲医院"], seen.Institutions);
        Assert.Equal(["HIS", "门户网站"], seen.Systems);
        Assert.Equal((2, 1, 1, 3, 2, 1, 1), (seen.Gradings, seen.Filings, seen.Assessments, seen.ItemResults, seen.Rectifications, seen.Assignments, seen.Contacts));

        var c = Sorted(await SeeAsync(TenantScope.ForInstitution(_p.C.Id)));
        Assert.Equal(["PACS"], c.Systems);
        Assert.Equal((1, 1, 0, 1), (c.Assessments, c.Rectifications, c.ItemResults, c.Assignments));
    }

    [Fact]
    public async Task AnAgencySeesOnlyTheSystemsAssignedToIt()
    {
        await SeedAsync();
        var x = Sorted(await SeeAsync(TenantScope.ForAgency(_p.AgencyX.Id)));
        Assert.Equal(["HIS", "PACS"], x.Systems);
        Assert.Equal(["丙医院", "甲医院"], x.Institutions); // the operators of those systems, not their other systems
        Assert.Equal((2, 2, 2, 3, 3, 2), (x.Gradings, x.Filings, x.Assessments, x.ItemResults, x.Rectifications, x.Assignments));
        Assert.Equal((1, 0, 0), (x.Agencies, x.Users, x.Audit));

        var y = Sorted(await SeeAsync(TenantScope.ForAgency(_p.AgencyY.Id)));
        Assert.Equal(["LIS"], y.Systems);
        Assert.Equal(["乙医院"], y.Institutions);
        Assert.Equal((0, 0, 0, 1), (y.Assessments, y.Rectifications, y.Contacts, y.Assignments));
    }

    [Fact]
    public async Task IncludesAndNavigationsAreFilteredToo()
    {
        await SeedAsync();
        await using var db = Open(TenantScope.ForAgency(_p.AgencyX.Id));
        var a = await db.Institutions.Include(i => i.Systems).SingleAsync(i => i.Id == _p.A.Id);
        Assert.Equal(["HIS"], a.Systems.Select(s => s.Name)); // the portal is A's, but not assigned to X
        Assert.Null(await db.Systems.FindAsync(_p.Portal.Id));
        // A query with the includes the pages use sees only the assigned system, and its institution through it.
        Assert.Null(await db.Systems.Include(s => s.Institution).Include(s => s.Grading).Include(s => s.Filing).FirstOrDefaultAsync(s => s.Id == _p.Lis.Id));
        Assert.NotNull((await db.Systems.Include(s => s.Institution).Include(s => s.Grading).Include(s => s.Filing).SingleAsync(s => s.Id == _p.His.Id)).Institution);
    }

    [Fact]
    public async Task TenantsSeeTheirOwnAccountOnly()
    {
        await SeedAsync();
        await using var db = Open(TenantScope.ForUser(_p.StaffA));
        Assert.Equal(TenantKind.Institution, db.Scope.Kind);
        Assert.Equal(["staff-a"], await db.Users.Select(u => u.UserName).ToListAsync());
        await using var admin = Open(TenantScope.ForUser(_p.Admin));
        Assert.Equal(2, await admin.Users.CountAsync());
    }

    [Fact]
    public async Task AnInstitutionCannotAddASystemToAnother()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForInstitution(_p.A.Id)))
        {
            db.Systems.Add(new ProtectedSystem { Name = "偷偷加的", InstitutionId = _p.B.Id });
            var ex = await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            Assert.Equal(("ProtectedSystem", "新增"), (ex.EntityType, ex.Operation));
            Assert.Contains("越权", ex.Message);

            // Its own institution is fine.
            db.ChangeTracker.Clear();
            db.Systems.Add(new ProtectedSystem { Name = "EMR", InstitutionId = _p.A.Id, Business = BusinessKind.Emr });
            await db.SaveChangesAsync();
        }

        await using var system = Open();
        Assert.Equal(["EMR", "HIS", "门户网站"], await system.Systems.Where(s => s.InstitutionId == _p.A.Id).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync());
        Assert.Equal(["LIS"], await system.Systems.Where(s => s.InstitutionId == _p.B.Id).Select(s => s.Name).ToListAsync());
    }

    [Fact]
    public async Task TheSynchronousSaveIsGuardedToo()
    {
        await SeedAsync();
        using (var db = Open(TenantScope.ForAgency(_p.AgencyY.Id)))
        {
            db.Rectifications.Add(new RectificationItem { SystemId = _p.His.Id, Title = "x" });
            Assert.Throws<TenantScopeViolationException>(() => db.SaveChanges());
            db.ChangeTracker.Clear();
            db.Rectifications.Add(new RectificationItem { SystemId = _p.Lis.Id, Title = "LIS 整改" });
            db.SaveChanges();
        }

        await using var system = Open();
        Assert.Equal(["LIS 整改"], await system.Rectifications.Where(r => r.SystemId == _p.Lis.Id || r.Title == "x").Select(r => r.Title).ToListAsync());
    }

    [Fact]
    public async Task AnInstitutionCannotMoveItsSystemAwayNorTouchAnothersRows()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForInstitution(_p.A.Id)))
        {
            var his = await db.Systems.SingleAsync(s => s.Id == _p.His.Id);
            his.InstitutionId = _p.B.Id;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Rows it cannot see but whose keys it guessed: attached and modified, or removed.
            var lis = new ProtectedSystem { Id = _p.Lis.Id, Name = "改名", InstitutionId = _p.B.Id };
            db.Systems.Update(lis);
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Rectifications.Remove(new RectificationItem { Id = Guid.NewGuid(), SystemId = _p.Pacs.Id, Title = "x" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            var c = new Institution { Id = _p.C.Id, Name = "丙医院", Region = "330203" };
            db.Institutions.Update(c);
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // An item result slipped into another institution's assessment.
            db.ItemResults.Add(new ItemResult { AssessmentId = _p.PacsAssessment.Id, ItemCode = "L3-PES1-09", Result = ItemResultValue.Conforming });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Creating institutions is the regulator's job; editing itself is fine.
            db.Institutions.Add(new Institution { Name = "新机构", Region = "330102" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            var self = await db.Institutions.SingleAsync();
            self.Survey.SecurityStaffCount = 8;
            await db.SaveChangesAsync();

            // Its region, tier and affiliation place it in the regulator's reach and statistics: not its to change.
            self.Region = "330203";
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            self = await db.Institutions.SingleAsync();
            self.Tier = HospitalTier.Secondary;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
        }

        await using var system = Open();
        Assert.Equal(_p.A.Id, (await system.Systems.SingleAsync(s => s.Id == _p.His.Id)).InstitutionId);
        Assert.Equal("LIS", (await system.Systems.SingleAsync(s => s.Id == _p.Lis.Id)).Name);
        Assert.Equal(3, await system.Rectifications.CountAsync());
        Assert.Equal(0, await system.ItemResults.CountAsync(r => r.AssessmentId == _p.PacsAssessment.Id));
        var a = await system.Institutions.SingleAsync(i => i.Id == _p.A.Id);
        Assert.Equal((8, "330102", HospitalTier.TertiaryA), (a.Survey.SecurityStaffCount, a.Region, a.Tier));
        Assert.Equal(3, await system.Institutions.CountAsync());
    }

    [Fact]
    public async Task ARegulatorWritesOnlyInsideItsRegion()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForRegulator("3301")))
        {
            db.Institutions.Add(new Institution { Name = "外市医院", Region = "330203" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            var a = await db.Institutions.SingleAsync(i => i.Id == _p.A.Id);
            a.Region = "330203"; // moving an institution out of its reach
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Filings.Add(new FilingRecord { SystemId = _p.Pacs.Id, FiledOn = SampleProvince.Today });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Institutions.Add(new Institution { Name = "新区医院", Region = "330110", Tier = HospitalTier.Secondary });
            await db.SaveChangesAsync();
            var portal = await db.Systems.Include(s => s.Filing).SingleAsync(s => s.Id == _p.Portal.Id);
            portal.Filing = new FilingRecord { SystemId = portal.Id, FiledOn = SampleProvince.Today };
            await db.SaveChangesAsync();
        }

        await using var system = Open();
        Assert.Equal(4, await system.Institutions.CountAsync());
        Assert.Equal("330102", (await system.Institutions.SingleAsync(i => i.Id == _p.A.Id)).Region);
        Assert.Equal(3, await system.Filings.CountAsync()); // HIS and PACS seeded, the portal's added; the second PACS one refused
    }

    [Fact]
    public async Task AnAgencyWritesAssessmentsOnlyForItsAssignedSystems()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForAgency(_p.AgencyX.Id)))
        {
            var mine = new AssessmentRecord
            {
                SystemId = _p.His.Id,
                Level = 3,
                AssessedOn = SampleProvince.Today,
                AgencyId = _p.AgencyX.Id,
                Results = [new ItemResult { ItemCode = "L3-SMC1-01", Result = ItemResultValue.Conforming }],
            };
            db.Assessments.Add(mine);
            await db.SaveChangesAsync();

            // A result in an assigned system's earlier assessment, and the rectification item it calls for.
            db.ItemResults.Add(new ItemResult { AssessmentId = _p.PacsAssessment.Id, ItemCode = "L3-CNS1-01", Result = ItemResultValue.NonConforming });
            db.Rectifications.Add(new RectificationItem
            {
                SystemId = _p.Pacs.Id,
                AssessmentId = _p.PacsAssessment.Id,
                ItemCode = "L3-CNS1-01",
                Title = "L3-CNS1-01 不符合",
                CreatedOn = SampleProvince.Today,
            });
            await db.SaveChangesAsync();

            db.Assessments.Add(new AssessmentRecord { SystemId = _p.Lis.Id, Level = 2, AssessedOn = SampleProvince.Today });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Not its systems' records: grading, filing, the system itself, assignments.
            var his = await db.Systems.SingleAsync(s => s.Id == _p.His.Id);
            his.Name = "HIS(测评机构改)";
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            var grading = await db.Gradings.SingleAsync(g => g.SystemId == _p.His.Id);
            grading.Level = ProtectionLevel.Level2;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.AgencyAssignments.Add(new AgencyAssignment { AgencyId = _p.AgencyX.Id, SystemId = _p.Lis.Id, AssignedOn = SampleProvince.Today });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Rectifications.Add(new RectificationItem { SystemId = _p.Portal.Id, Title = "不是我的系统" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            Assert.NotEqual(Guid.Empty, mine.Id);
        }

        await using var system = Open();
        Assert.Equal(3, await system.Assessments.CountAsync());
        Assert.Equal(0, await system.Assessments.CountAsync(a => a.SystemId == _p.Lis.Id));
        Assert.Equal("HIS", (await system.Systems.SingleAsync(s => s.Id == _p.His.Id)).Name);
        Assert.Equal(ProtectionLevel.Level3, (await system.Gradings.SingleAsync(g => g.SystemId == _p.His.Id)).Level);
        Assert.Equal(3, await system.AgencyAssignments.CountAsync());
        Assert.Equal(1, await system.Rectifications.CountAsync(r => r.AssessmentId == _p.PacsAssessment.Id));
        Assert.Equal(0, await system.Rectifications.CountAsync(r => r.SystemId == _p.Portal.Id));
    }

    [Fact]
    public async Task BulkDeletesAreBoundedByTheFilter()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForInstitution(_p.A.Id)))
        {
            Assert.Equal(2, await db.Rectifications.ExecuteDeleteAsync()); // A's two, not C's
            Assert.Equal(1, await db.Systems.Where(s => s.Name == "LIS" || s.Name == "门户网站").ExecuteUpdateAsync(u => u.SetProperty(s => s.Description, "批量")));
        }

        await using var system = Open();
        Assert.Equal(1, await system.Rectifications.CountAsync());
        Assert.Null((await system.Systems.SingleAsync(s => s.Id == _p.Lis.Id)).Description);
    }

    [Fact]
    public async Task AccountsAreForAdministratorsAndAUserCannotRaiseItsOwnRole()
    {
        await SeedAsync();
        await using (var db = Open(TenantScope.ForUser(_p.StaffA)))
        {
            var me = await db.Users.SingleAsync();
            me.DisplayName = "甲医院 信息科";
            await db.SaveChangesAsync();

            // Credentials and lockout state change only through the account service (system scope).
            me.PasswordHash = "new-hash";
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            me = await db.Users.SingleAsync();
            me.FailedLoginCount = 0;
            me.LockoutUntil = null;
            me.MustChangePassword = true;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            me = await db.Users.SingleAsync();

            me.Role = UserRole.Admin;
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Users.Add(new PlatformUser { UserName = "x", NormalizedUserName = "X", DisplayName = "x", Role = UserRole.Admin });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            db.Agencies.Add(new AssessmentAgency { Name = "自封测评机构" });
            await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();

            // Anyone may append to the audit trail (the platform logs as the acting user).
            db.AuditEntries.Add(new AuditEntry { Sequence = 2, Action = "update", PreviousHash = "00", Hash = "11" });
            await db.SaveChangesAsync();
        }

        await using var system = Open();
        var staff = await system.Users.SingleAsync(u => u.Id == _p.StaffA.Id);
        Assert.Equal((UserRole.InstitutionStaff, "甲医院 信息科"), (staff.Role, staff.DisplayName));
        Assert.NotEqual("new-hash", staff.PasswordHash);
        Assert.False(staff.MustChangePassword);
        Assert.Equal(2, await system.Users.CountAsync());
        Assert.Equal(2, await system.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task TheAuditTrailIsAppendOnlyEvenForTheSystemScope()
    {
        await SeedAsync();
        await using var db = Open();
        var entry = await db.AuditEntries.SingleAsync();
        entry.Detail = "tampered";
        var ex = await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
        Assert.Equal(("AuditEntry", "修改"), (ex.EntityType, ex.Operation));
        db.ChangeTracker.Clear();
        db.AuditEntries.Remove(await db.AuditEntries.SingleAsync());
        await Assert.ThrowsAsync<TenantScopeViolationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public void ScopesRefuseMissingTenantKeys()
    {
        Assert.Throws<ArgumentException>(() => TenantScope.ForRegulator(" "));
        Assert.Throws<ArgumentException>(() => TenantScope.ForInstitution(Guid.Empty));
        Assert.Throws<ArgumentException>(() => TenantScope.ForAgency(Guid.Empty));
        Assert.Throws<ArgumentException>(() => TenantScope.ForUser(new PlatformUser { UserName = "r", DisplayName = "r", Role = UserRole.RegulatorStaff }));
    }

    private static Visible Sorted(Visible v) => v with
    {
        Institutions = [.. v.Institutions.Order(StringComparer.Ordinal)],
        Systems = [.. v.Systems.Order(StringComparer.Ordinal)],
    };
}

public sealed class SqliteTenantIsolationTests : TenantIsolationTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresTenantIsolationTests : TenantIsolationTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

public class TenantModelTests
{
    [Fact]
    public void EveryEntityTypeCarriesTheTenantFilter()
    {
        // A new entity without the filter would be readable by every tenant: this fails until it gets one.
        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse("Data Source=:memory:"));
        var missing = db.Model.GetEntityTypes()
            .Where(t => !t.IsOwned() && t.FindDeclaredQueryFilter(MedGuardDbContext.TenantFilter) is null)
            .Select(t => t.ClrType.Name).ToList();
        Assert.Empty(missing);
        // 15 + issue 12: assets, authorizations, findings, sightings, status changes, imports, proposals; + issue 14: campaigns,
        // rounds, tasks, stop switches; + issue 17: generated reports; + issue 18: candidate assets from apps; + issue 16: the
        // sector pre-aggregates (two)
        Assert.Equal(30, db.Model.GetEntityTypes().Count());
    }
}
