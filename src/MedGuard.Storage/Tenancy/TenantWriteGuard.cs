using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MedGuard.Storage.Tenancy;

/// <summary>
/// The write half of tenant isolation, run by <see cref="MedGuardDbContext"/> before every SaveChanges: each added,
/// modified or deleted row must lie inside the context's <see cref="TenantScope"/> both before the change (original
/// values) and after it (current values), otherwise the whole save is refused with a
/// <see cref="TenantScopeViolationException"/> and nothing reaches the database. Owners are looked up among tracked
/// entities first, then in the database with the tenant filter switched off (the guard must see what the tenant
/// cannot, to tell "yours" from "not yours").
/// Also keeps the copies the query filters rely on (<see cref="AgencyAssignment.InstitutionId"/> and
/// <see cref="AgencyAssignment.InstitutionRegion"/>) in step with their system and institution.
/// </summary>
internal sealed class TenantWriteGuard(MedGuardDbContext context)
{
    private readonly TenantScope _scope = context.Scope;
    private readonly Dictionary<Guid, string?> _institutionRegions = [];
    private readonly Dictionary<Guid, Guid?> _systemInstitutions = [];
    private readonly Dictionary<Guid, Guid?> _assessmentSystems = [];
    private readonly Dictionary<Guid, bool> _assignedToAgency = [];

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Check();
        return Task.CompletedTask;
    }

    public void Check()
    {
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        KeepAssignmentCopies();

        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            // The audit trail is append-only for everyone, the system scope included; a chain that storage lets one
            // rewrite would prove nothing.
            if (entry.Entity is AuditEntry && entry.State != EntityState.Added)
            {
                throw Violation(entry);
            }

            if (_scope.Kind != TenantKind.System && !IsAllowed(entry))
            {
                throw Violation(entry);
            }
        }
    }

    private bool IsAllowed(EntityEntry entry)
    {
        var agency = _scope.Kind == TenantKind.Agency;
        return entry.Entity switch
        {
            Institution institution => !agency && InstitutionRowAllowed(entry, institution),
            InstitutionContact => !agency && Both(entry, nameof(InstitutionContact.InstitutionId), InstitutionWritable),
            ProtectedSystem => !agency && Both(entry, nameof(ProtectedSystem.InstitutionId), InstitutionWritable),
            GradingRecord => !agency && Both(entry, nameof(GradingRecord.SystemId), SystemWritable),
            FilingRecord => !agency && Both(entry, nameof(FilingRecord.SystemId), SystemWritable),
            AgencyAssignment => !agency && Both(entry, nameof(AgencyAssignment.SystemId), SystemWritable),
            AssessmentRecord => Both(entry, nameof(AssessmentRecord.SystemId), SystemWritable),
            RectificationItem => Both(entry, nameof(RectificationItem.SystemId), SystemWritable),
            ItemResult => Both(entry, nameof(ItemResult.AssessmentId), AssessmentWritable),
            AuditEntry => entry.State == EntityState.Added,
            PlatformUser => OwnAccountChange(entry),
            // Agencies, and any entity type added later without a rule here: administrators only. A new tenant-owned
            // type must get its rule (and its query filter) before tenants can write it.
            _ => false,
        };
    }

    private bool InstitutionRowAllowed(EntityEntry entry, Institution institution)
    {
        var region = entry.Property(nameof(Institution.Region));
        return entry.State switch
        {
            // A hospital may edit itself but neither create nor delete institutions.
            EntityState.Added => _scope.Kind == TenantKind.Regulator && _scope.CoversInstitution(institution.Id, institution.Region),
            EntityState.Deleted => _scope.Kind == TenantKind.Regulator && _scope.CoversInstitution(institution.Id, (string)region.OriginalValue!),
            _ => _scope.CoversInstitution(institution.Id, (string)region.OriginalValue!) && _scope.CoversInstitution(institution.Id, institution.Region),
        };
    }

    /// <summary>A user may change its own password, second factor and display name — never its role or its tenant.</summary>
    private bool OwnAccountChange(EntityEntry entry)
    {
        if (entry.State != EntityState.Modified || ((PlatformUser)entry.Entity).Id != _scope.UserId || _scope.UserId == Guid.Empty)
        {
            return false;
        }

        string[] locked =
        [
            nameof(PlatformUser.Role), nameof(PlatformUser.Region), nameof(PlatformUser.InstitutionId),
            nameof(PlatformUser.AgencyId), nameof(PlatformUser.UserName), nameof(PlatformUser.NormalizedUserName),
            nameof(PlatformUser.Disabled), nameof(PlatformUser.Id),
        ];
        return !locked.Any(name => entry.Property(name).IsModified);
    }

    /// <summary>The owner key before the change (modified, deleted) and after it (added, modified) must both be writable.</summary>
    private static bool Both(EntityEntry entry, string ownerKey, Func<Guid, bool> writable)
    {
        var property = entry.Property(ownerKey);
        if (entry.State is EntityState.Modified or EntityState.Deleted && !writable((Guid)property.OriginalValue!))
        {
            return false;
        }

        return entry.State == EntityState.Deleted || writable((Guid)property.CurrentValue!);
    }

    private bool InstitutionWritable(Guid institutionId)
    {
        var region = InstitutionRegion(institutionId);
        return region is not null && _scope.CoversInstitution(institutionId, region);
    }

    private bool SystemWritable(Guid systemId)
    {
        if (_scope.Kind == TenantKind.Agency)
        {
            return AssignedToAgency(systemId);
        }

        var institutionId = SystemInstitution(systemId);
        return institutionId is { } id && InstitutionWritable(id);
    }

    private bool AssessmentWritable(Guid assessmentId) => AssessmentSystem(assessmentId) is { } systemId && SystemWritable(systemId);

    private string? InstitutionRegion(Guid institutionId)
    {
        var tracked = context.ChangeTracker.Entries<Institution>().FirstOrDefault(e => e.Entity.Id == institutionId);
        if (tracked is not null)
        {
            return tracked.State == EntityState.Deleted ? null : tracked.Entity.Region;
        }

        if (!_institutionRegions.TryGetValue(institutionId, out var region))
        {
            region = context.Institutions.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(i => i.Id == institutionId).Select(i => i.Region).FirstOrDefault();
            _institutionRegions[institutionId] = region;
        }

        return region;
    }

    private Guid? SystemInstitution(Guid systemId)
    {
        var tracked = context.ChangeTracker.Entries<ProtectedSystem>().FirstOrDefault(e => e.Entity.Id == systemId);
        if (tracked is not null)
        {
            return tracked.Entity.InstitutionId;
        }

        if (!_systemInstitutions.TryGetValue(systemId, out var institutionId))
        {
            institutionId = context.Systems.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(s => s.Id == systemId).Select(s => (Guid?)s.InstitutionId).FirstOrDefault();
            _systemInstitutions[systemId] = institutionId;
        }

        return institutionId;
    }

    private Guid? AssessmentSystem(Guid assessmentId)
    {
        var tracked = context.ChangeTracker.Entries<AssessmentRecord>().FirstOrDefault(e => e.Entity.Id == assessmentId);
        if (tracked is not null)
        {
            return tracked.Entity.SystemId;
        }

        if (!_assessmentSystems.TryGetValue(assessmentId, out var systemId))
        {
            systemId = context.Assessments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(a => a.Id == assessmentId).Select(a => (Guid?)a.SystemId).FirstOrDefault();
            _assessmentSystems[assessmentId] = systemId;
        }

        return systemId;
    }

    private bool AssignedToAgency(Guid systemId)
    {
        if (!_assignedToAgency.TryGetValue(systemId, out var assigned))
        {
            // Only the database counts: an agency cannot create assignments, so a tracked one proves nothing.
            var agencyId = _scope.AgencyId;
            assigned = context.AgencyAssignments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Any(a => a.SystemId == systemId && a.AgencyId == agencyId);
            _assignedToAgency[systemId] = assigned;
        }

        return assigned;
    }

    private void KeepAssignmentCopies()
    {
        var tracker = context.ChangeTracker;

        // An institution that moved region, or a system that moved institution, drags its assignments along.
        var movedInstitutions = tracker.Entries<Institution>()
            .Where(e => e.State == EntityState.Modified && e.Property(i => i.Region).IsModified)
            .Select(e => e.Entity.Id).ToList();
        var movedSystems = tracker.Entries<ProtectedSystem>()
            .Where(e => e.State == EntityState.Modified && e.Property(s => s.InstitutionId).IsModified)
            .Select(e => e.Entity.Id).ToList();
        var stale = new List<AgencyAssignment>();
        if (movedInstitutions.Count > 0 || movedSystems.Count > 0)
        {
            // Loading them makes them tracked, so the loop below refreshes them and the save writes them.
            stale = context.AgencyAssignments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(a => movedInstitutions.Contains(a.InstitutionId) || movedSystems.Contains(a.SystemId)).ToList();
        }

        var changed = tracker.Entries<AgencyAssignment>().Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => e.Entity);
        foreach (var assignment in changed.Concat(stale).Distinct().ToList())
        {
            if (SystemInstitution(assignment.SystemId) is not { } institutionId || InstitutionRegion(institutionId) is not { } region)
            {
                continue; // the foreign key will refuse it
            }

            if (assignment.InstitutionId != institutionId)
            {
                assignment.InstitutionId = institutionId;
            }

            if (assignment.InstitutionRegion != region)
            {
                assignment.InstitutionRegion = region;
            }
        }

        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }
    }

    private TenantScopeViolationException Violation(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey()?.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString()).FirstOrDefault() ?? "?";
        var operation = entry.State switch
        {
            EntityState.Added => "新增",
            EntityState.Deleted => "删除",
            _ => "修改",
        };
        return new TenantScopeViolationException(_scope, entry.Metadata.ClrType.Name, key, operation);
    }
}
