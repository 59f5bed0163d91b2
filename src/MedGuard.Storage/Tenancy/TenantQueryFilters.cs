using MedGuard.Domain.Assessment;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Reports;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Sector;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage;

// The read half of tenant isolation: one named global query filter per tenant-owned entity. Every LINQ query,
// Include, navigation and ExecuteUpdate/ExecuteDelete through this context passes through them; only an explicit
// IgnoreQueryFilters([TenantFilter]) bypasses them (the save guard does, to look up owners).
//
// EF applies the filters of the entities a filter mentions, recursively, without cycle detection. So the filters form
// a DAG: assignments test only their own columns (which is why AgencyAssignment carries the institution's id and
// region); institutions look at assignments; systems at institutions and assignments; everything below a system
// asks "is my system visible?"; item results ask "is my assessment visible?".
public abstract partial class MedGuardDbContext
{
    /// <summary>Name of the tenant query filter, for <c>IgnoreQueryFilters([MedGuardDbContext.TenantFilter])</c>.</summary>
    public const string TenantFilter = "Tenant";

    private void ApplyTenantFilters(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AgencyAssignment>().HasQueryFilter(TenantFilter, a =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && a.InstitutionRegion.StartsWith(ScopeRegion))
            || (ScopeKind == TenantKind.Institution && a.InstitutionId == ScopeInstitutionId)
            // An agency holds a system only while its assignment runs: not before AssignedOn, not after EndsOn.
            || (ScopeKind == TenantKind.Agency && a.AgencyId == ScopeAgencyId && a.AssignedOn <= ScopeToday && (a.EndsOn == null || a.EndsOn >= ScopeToday)));

        modelBuilder.Entity<Institution>().HasQueryFilter(TenantFilter, i =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && i.Region.StartsWith(ScopeRegion))
            || (ScopeKind == TenantKind.Institution && i.Id == ScopeInstitutionId)
            || (ScopeKind == TenantKind.Agency && AgencyAssignments.Any(a => a.InstitutionId == i.Id)));

        modelBuilder.Entity<ProtectedSystem>().HasQueryFilter(TenantFilter, s =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && Institutions.Any(i => i.Id == s.InstitutionId))
            || (ScopeKind == TenantKind.Institution && s.InstitutionId == ScopeInstitutionId)
            || (ScopeKind == TenantKind.Agency && AgencyAssignments.Any(a => a.SystemId == s.Id)));

        modelBuilder.Entity<InstitutionContact>().HasQueryFilter(TenantFilter, c =>
            ScopeKind == TenantKind.System || Institutions.Any(i => i.Id == c.InstitutionId));

        modelBuilder.Entity<GradingRecord>().HasQueryFilter(TenantFilter, g =>
            ScopeKind == TenantKind.System || Systems.Any(s => s.Id == g.SystemId));

        modelBuilder.Entity<FilingRecord>().HasQueryFilter(TenantFilter, f =>
            ScopeKind == TenantKind.System || Systems.Any(s => s.Id == f.SystemId));

        modelBuilder.Entity<AssessmentRecord>().HasQueryFilter(TenantFilter, a =>
            ScopeKind == TenantKind.System || Systems.Any(s => s.Id == a.SystemId));

        modelBuilder.Entity<RectificationItem>().HasQueryFilter(TenantFilter, r =>
            ScopeKind == TenantKind.System || Systems.Any(s => s.Id == r.SystemId));

        modelBuilder.Entity<DeadlineExtensionRequest>().HasQueryFilter(TenantFilter, r =>
            ScopeKind == TenantKind.System || Systems.Any(s => s.Id == r.SystemId));

        modelBuilder.Entity<ItemResult>().HasQueryFilter(TenantFilter, r =>
            ScopeKind == TenantKind.System || Assessments.Any(a => a.Id == r.AssessmentId));

        // Inventory and findings (issue 12): a regulator or hospital sees those of its visible institutions; an agency only
        // the assets and findings of systems assigned to it (its assignment's own filter bounds it in time). An agency
        // must not see them through Institutions: it sees an institution whole when one system of it is assigned.
        modelBuilder.Entity<Asset>().HasQueryFilter(TenantFilter, a =>
            ScopeKind == TenantKind.System
            || (ScopeKind != TenantKind.Agency && Institutions.Any(i => i.Id == a.InstitutionId))
            || (ScopeKind == TenantKind.Agency && a.SystemId != null && AgencyAssignments.Any(x => x.SystemId == a.SystemId)));

        modelBuilder.Entity<AssetAuthorization>().HasQueryFilter(TenantFilter, z =>
            ScopeKind == TenantKind.System || Assets.Any(a => a.Id == z.AssetId));

        // Candidate assets (issue 18 §5) are the institution's and its regulator's to judge; an agency sees assets of its
        // assigned systems only, and a candidate serves no system yet.
        modelBuilder.Entity<AssetCandidate>().HasQueryFilter(TenantFilter, c =>
            ScopeKind == TenantKind.System || (ScopeKind != TenantKind.Agency && Institutions.Any(i => i.Id == c.InstitutionId)));

        modelBuilder.Entity<FindingRecord>().HasQueryFilter(TenantFilter, f =>
            ScopeKind == TenantKind.System
            || (ScopeKind != TenantKind.Agency && Institutions.Any(i => i.Id == f.InstitutionId))
            || (ScopeKind == TenantKind.Agency && f.SystemId != null && AgencyAssignments.Any(x => x.SystemId == f.SystemId)));

        modelBuilder.Entity<FindingSighting>().HasQueryFilter(TenantFilter, s =>
            ScopeKind == TenantKind.System || Findings.Any(f => f.Id == s.FindingId));

        modelBuilder.Entity<FindingStatusChange>().HasQueryFilter(TenantFilter, c =>
            ScopeKind == TenantKind.System || Findings.Any(f => f.Id == c.FindingId));

        // Imports are the institution's record of runs; an agency reads the findings, not the runs.
        modelBuilder.Entity<DetectionImport>().HasQueryFilter(TenantFilter, d =>
            ScopeKind == TenantKind.System || (ScopeKind != TenantKind.Agency && Institutions.Any(i => i.Id == d.InstitutionId)));

        modelBuilder.Entity<AssessmentFindingProposal>().HasQueryFilter(TenantFilter, p =>
            ScopeKind == TenantKind.System || Assessments.Any(a => a.Id == p.AssessmentId));

        // Campaigns (issue 14) belong to who created them: a regulator's to its region (and the regulators above it), a
        // hospital's to itself; administrators' (no owner) to administrators. Agencies run none. Rounds and tasks follow
        // their campaign; a task is also bounded by its institution's visibility.
        modelBuilder.Entity<Campaign>().HasQueryFilter(TenantFilter, c =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && c.OwnerRegion != null && c.OwnerRegion.StartsWith(ScopeRegion))
            || (ScopeKind == TenantKind.Institution && c.OwnerInstitutionId == ScopeInstitutionId));

        modelBuilder.Entity<CampaignRound>().HasQueryFilter(TenantFilter, r =>
            ScopeKind == TenantKind.System || Campaigns.Any(c => c.Id == r.CampaignId));

        modelBuilder.Entity<CampaignTask>().HasQueryFilter(TenantFilter, t =>
            ScopeKind == TenantKind.System
            || (Campaigns.Any(c => c.Id == t.CampaignId) && Institutions.Any(i => i.Id == t.InstitutionId)));

        // A stop switch of an institution is seen by whoever sees the institution; the global one by administrators.
        modelBuilder.Entity<DetectionStop>().HasQueryFilter(TenantFilter, s =>
            ScopeKind == TenantKind.System
            || (ScopeKind != TenantKind.Agency && s.InstitutionId != null && Institutions.Any(i => i.Id == s.InstitutionId)));

        // The agency directory is public to hospitals and regulators (they pick an agency); an agency sees itself.
        modelBuilder.Entity<AssessmentAgency>().HasQueryFilter(TenantFilter, g =>
            ScopeKind != TenantKind.Agency || g.Id == ScopeAgencyId);

        // Generated documents (issue 17) follow what they are about: a hospital its own institution's, a regulator its
        // region's (a situation report carries the region it covers), an agency only those of systems assigned to it.
        modelBuilder.Entity<GeneratedReport>().HasQueryFilter(TenantFilter, r =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && r.Region.StartsWith(ScopeRegion))
            || (ScopeKind == TenantKind.Institution && r.InstitutionId == ScopeInstitutionId)
            || (ScopeKind == TenantKind.Agency && r.SystemId != null && AgencyAssignments.Any(a => a.SystemId == r.SystemId)));

        // The sector pre-aggregates (issue 16) sum many institutions: a regulator reads the provinces under its region (its
        // own province's rows only when its region is the whole province — a city's regulator computes from findings), a
        // hospital only its own place rows, an agency nothing (its dashboard counts the findings it may see).
        modelBuilder.Entity<SectorTally>().HasQueryFilter(TenantFilter, t =>
            ScopeKind == TenantKind.System || (ScopeKind == TenantKind.Regulator && t.Region.StartsWith(ScopeRegion)));

        modelBuilder.Entity<SectorPlaceTally>().HasQueryFilter(TenantFilter, t =>
            ScopeKind == TenantKind.System
            || (ScopeKind == TenantKind.Regulator && t.Region.StartsWith(ScopeRegion))
            || (ScopeKind == TenantKind.Institution && t.InstitutionId == ScopeInstitutionId));

        // Accounts and the audit trail belong to the platform's administration: a tenant sees only its own account.
        modelBuilder.Entity<PlatformUser>().HasQueryFilter(TenantFilter, u =>
            ScopeKind == TenantKind.System || u.Id == ScopeUserId);

        modelBuilder.Entity<AuditEntry>().HasQueryFilter(TenantFilter, e => ScopeKind == TenantKind.System);

        // Sessions and old password hashes are the account service's (system scope); a tenant sees only its own sessions.
        modelBuilder.Entity<UserSession>().HasQueryFilter(TenantFilter, s => ScopeKind == TenantKind.System || s.UserId == ScopeUserId);
        modelBuilder.Entity<PasswordHistoryEntry>().HasQueryFilter(TenantFilter, h => ScopeKind == TenantKind.System);
    }
}
