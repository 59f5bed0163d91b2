using MedGuard.Domain.Assessment;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Reports;
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
/// ExecuteUpdate/ExecuteDelete do not pass here; they are bounded by the query filters instead.
/// </summary>
internal sealed class TenantWriteGuard(MedGuardDbContext context)
{
    private static readonly string[] LockedAccountFields =
    [
        nameof(PlatformUser.Role), nameof(PlatformUser.Region), nameof(PlatformUser.InstitutionId), nameof(PlatformUser.AgencyId),
        nameof(PlatformUser.UserName), nameof(PlatformUser.NormalizedUserName), nameof(PlatformUser.Disabled), nameof(PlatformUser.Id),
        // Credentials and lockout state change only through the account service (system scope), never a tenant's save.
        nameof(PlatformUser.PasswordHash), nameof(PlatformUser.TotpSecretEncrypted), nameof(PlatformUser.TotpEnabled),
        nameof(PlatformUser.FailedLoginCount), nameof(PlatformUser.LockoutUntil), nameof(PlatformUser.LastTotpStep),
        nameof(PlatformUser.MustChangePassword),
    ];

    // What places a hospital in the regulator's statistics and reach is the regulator's to set, not the hospital's.
    private static readonly string[] RegulatorOwnedInstitutionFields =
    [
        nameof(Institution.Region), nameof(Institution.Tier), nameof(Institution.DirectlyAffiliated),
    ];

    // 主管部门核准 is the regulator's act: a hospital may clear these (a re-grading withdraws the approval), never set them.
    private static readonly string[] RegulatorOwnedGradingFields =
    [
        nameof(GradingRecord.SupervisorApproved), nameof(GradingRecord.SupervisorApprovedOn), nameof(GradingRecord.ApprovalDecidedBy),
        nameof(GradingRecord.ApprovalDecidedAt), nameof(GradingRecord.ApprovalRefusalReason),
    ];

    // A deadline moves only by an approved extension request, and 复测 is the assessor's: a hospital touches neither.
    private static readonly string[] HospitalLockedRetestFields =
    [
        nameof(RectificationItem.RetestedOn), nameof(RectificationItem.RetestPassed), nameof(RectificationItem.RetestNote),
    ];

    private static readonly string[] ExtensionDecisionFields =
    [
        nameof(DeadlineExtensionRequest.Status), nameof(DeadlineExtensionRequest.DecidedBy), nameof(DeadlineExtensionRequest.DecidedAt),
        nameof(DeadlineExtensionRequest.DecisionNote),
    ];

    // What an assessor (agency) may change on a finding of a system assigned to it: its status, nothing of what was found.
    private static readonly HashSet<string> AgencyFindingFields =
    [
        nameof(FindingRecord.Status), nameof(FindingRecord.StatusReason), nameof(FindingRecord.AcceptedUntil), nameof(FindingRecord.FixedAt),
        nameof(FindingRecord.FixedByImportId), nameof(FindingRecord.ReopenCount),
    ];

    private readonly TenantScope _scope = context.Scope;

    // Tracked entities by key, indexed once per save (a seeding save may track thousands).
    private Dictionary<Guid, EntityEntry<Institution>> _trackedInstitutions = [];
    private Dictionary<Guid, EntityEntry<ProtectedSystem>> _trackedSystems = [];
    private Dictionary<Guid, EntityEntry<AssessmentRecord>> _trackedAssessments = [];

    // Database answers, asked once per key per save.
    private readonly Dictionary<Guid, string?> _institutionRegions = [];
    private readonly Dictionary<Guid, Guid?> _systemInstitutions = [];
    private readonly Dictionary<Guid, AssessmentOwner?> _assessmentOwners = [];
    private readonly Dictionary<Guid, (Guid SystemId, Guid? AssessmentId)?> _rectifications = [];
    private readonly Dictionary<Guid, bool> _assignedToAgency = [];

    public void Check() => CheckAsync(async: false, CancellationToken.None).GetAwaiter().GetResult();

    public Task CheckAsync(CancellationToken cancellationToken) => CheckAsync(async: true, cancellationToken);

    // One body for both paths (EF's own pattern): with async false every awaited task has already completed.
    private async Task CheckAsync(bool async, CancellationToken cancellationToken)
    {
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        IndexTracked();
        await KeepAssignmentCopiesAsync(async, cancellationToken);
        NormalizeUserNames();

        foreach (var entry in tracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            // The audit trail is append-only for everyone, the system scope included; a chain that storage lets one
            // rewrite would prove nothing.
            if (entry.Entity is AuditEntry && entry.State != EntityState.Added)
            {
                throw Violation(entry);
            }

            if (_scope.Kind != TenantKind.System && !await IsAllowedAsync(entry, async, cancellationToken))
            {
                throw Violation(entry);
            }
        }
    }

    private void IndexTracked()
    {
        var tracker = context.ChangeTracker;
        _trackedInstitutions = tracker.Entries<Institution>().ToDictionary(e => e.Entity.Id);
        _trackedSystems = tracker.Entries<ProtectedSystem>().ToDictionary(e => e.Entity.Id);
        _trackedAssessments = tracker.Entries<AssessmentRecord>().ToDictionary(e => e.Entity.Id);
    }

    private async Task<bool> IsAllowedAsync(EntityEntry entry, bool async, CancellationToken ct)
    {
        var agency = _scope.Kind == TenantKind.Agency;
        return entry.Entity switch
        {
            Institution institution => !agency && InstitutionRowAllowed(entry, institution),
            InstitutionContact => !agency && await BothAsync(entry, nameof(InstitutionContact.InstitutionId), InstitutionWritableAsync, async, ct),
            ProtectedSystem => !agency && await BothAsync(entry, nameof(ProtectedSystem.InstitutionId), InstitutionWritableAsync, async, ct),
            GradingRecord => !agency && await BothAsync(entry, nameof(GradingRecord.SystemId), SystemWritableAsync, async, ct)
                && (_scope.Kind != TenantKind.Institution || !SetsAny(entry, RegulatorOwnedGradingFields)),
            FilingRecord => !agency && await BothAsync(entry, nameof(FilingRecord.SystemId), SystemWritableAsync, async, ct),
            AgencyAssignment => !agency && await BothAsync(entry, nameof(AgencyAssignment.SystemId), SystemWritableAsync, async, ct),
            AssessmentRecord => await BothAsync(entry, nameof(AssessmentRecord.SystemId), SystemWritableAsync, async, ct) && AssessmentKindAllowed(entry),
            RectificationItem => await BothAsync(entry, nameof(RectificationItem.SystemId), SystemWritableAsync, async, ct) && RectificationChangeAllowed(entry),
            DeadlineExtensionRequest => await BothAsync(entry, nameof(DeadlineExtensionRequest.SystemId), SystemWritableAsync, async, ct)
                && await ExtensionChangeAllowedAsync(entry, async, ct),
            ItemResult => await BothAsync(entry, nameof(ItemResult.AssessmentId), AssessmentWritableAsync, async, ct),
            AuditEntry => entry.State == EntityState.Added,
            PlatformUser => OwnAccountChange(entry),
            // Inventory: the institution itself, or the regulator of its region (it runs the remote detection).
            Asset => !agency && await BothAsync(entry, nameof(Asset.InstitutionId), InstitutionWritableAsync, async, ct),
            AssetAuthorization authorization => !agency && await BothAsync(entry, nameof(AssetAuthorization.InstitutionId), InstitutionWritableAsync, async, ct)
                && (entry.State == EntityState.Deleted || await AssetInstitutionAsync(authorization.AssetId, async, ct) == authorization.InstitutionId),
            // Candidates come from imports and are accepted or dismissed by the institution or its regulator.
            AssetCandidate => !agency && await BothAsync(entry, nameof(AssetCandidate.InstitutionId), InstitutionWritableAsync, async, ct),
            // Findings come from imports (regulator of the region, or the hospital for itself); an assessor only moves
            // the status of those on its assigned systems; 风险接受 and 误报 are never the hospital's to set.
            FindingRecord => agency
                ? entry.State == EntityState.Modified && AgencyFindingChange(entry) && await AssignedFindingAsync(entry, async, ct)
                : await BothAsync(entry, nameof(FindingRecord.InstitutionId), InstitutionWritableAsync, async, ct) && HospitalFindingChangeAllowed(entry),
            FindingSighting => !agency && await BothAsync(entry, nameof(FindingSighting.InstitutionId), InstitutionWritableAsync, async, ct),
            DetectionImport => !agency && await BothAsync(entry, nameof(DetectionImport.InstitutionId), InstitutionWritableAsync, async, ct),
            // The history is append-only, like the audit trail.
            FindingStatusChange change => entry.State == EntityState.Added && (agency
                ? await FindingSystemAsync(change.FindingId, async, ct) is { } systemId && await AssignedToAgencyAsync(systemId, async, ct)
                : await InstitutionWritableAsync(change.InstitutionId, async, ct)),
            AssessmentFindingProposal => await BothAsync(entry, nameof(AssessmentFindingProposal.AssessmentId), AssessmentWritableAsync, async, ct),
            // Campaigns (issue 14): owned by the regulator of a region or by one hospital, before and after the change.
            Campaign => !agency && CampaignOwnedBefore(entry) && CampaignOwnedAfter(entry),
            CampaignRound => !agency && await BothAsync(entry, nameof(CampaignRound.CampaignId), CampaignWritableAsync, async, ct),
            CampaignTask => !agency && await BothAsync(entry, nameof(CampaignTask.CampaignId), CampaignWritableAsync, async, ct)
                && await BothAsync(entry, nameof(CampaignTask.InstitutionId), InstitutionWritableAsync, async, ct),
            // A hospital's stop switch is its own or its regulator's to set; the global one (no institution) administrators' only.
            DetectionStop => !agency && await StopWritableAsync(entry, async, ct),
            // A generated document's record is written once, by someone who may read what it is about; never changed.
            GeneratedReport report => entry.State == EntityState.Added && await ReportWritableAsync(report, async, ct),
            // Agencies, and any entity type added later without a rule here: administrators only. A new tenant-owned
            // type must get its rule (and its query filter) before tenants can write it.
            _ => false,
        };
    }

    private async Task<bool> ReportWritableAsync(GeneratedReport report, bool async, CancellationToken ct) => _scope.Kind switch
    {
        TenantKind.Regulator => report.Region.StartsWith(_scope.Region, StringComparison.Ordinal),
        TenantKind.Institution => report.InstitutionId == _scope.InstitutionId,
        TenantKind.Agency => report.SystemId is { } systemId && await AssignedToAgencyAsync(systemId, async, ct),
        _ => false,
    };

    private static bool AgencyFindingChange(EntityEntry entry) =>
        entry.Properties.All(p => !p.IsModified || AgencyFindingFields.Contains(p.Metadata.Name));

    /// <summary>A hospital neither accepts its own risks nor declares its own findings false positives (issue 12 §3).</summary>
    private bool HospitalFindingChangeAllowed(EntityEntry entry)
    {
        if (_scope.Kind != TenantKind.Institution || entry.State == EntityState.Deleted)
        {
            return true;
        }

        var status = entry.Property(nameof(FindingRecord.Status));
        var setsReserved = (entry.State == EntityState.Added || status.IsModified)
            && (FindingStatus)status.CurrentValue! is FindingStatus.RiskAccepted or FindingStatus.FalsePositive;
        return !setsReserved && !SetsAny(entry, [nameof(FindingRecord.AcceptedUntil)]);
    }

    private async Task<bool> AssignedFindingAsync(EntityEntry entry, bool async, CancellationToken ct) =>
        entry.Property(nameof(FindingRecord.SystemId)).OriginalValue is Guid systemId
        && !entry.Property(nameof(FindingRecord.SystemId)).IsModified
        && await AssignedToAgencyAsync(systemId, async, ct);

    private async Task<Guid?> AssetInstitutionAsync(Guid assetId, bool async, CancellationToken ct)
    {
        var tracked = context.ChangeTracker.Entries<Asset>().FirstOrDefault(e => e.Entity.Id == assetId);
        if (tracked is not null)
        {
            return tracked.Property(a => a.InstitutionId).OriginalValue;
        }

        var query = context.Assets.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(a => a.Id == assetId).Select(a => (Guid?)a.InstitutionId);
        return async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
    }

    private async Task<Guid?> FindingSystemAsync(Guid findingId, bool async, CancellationToken ct)
    {
        var tracked = context.ChangeTracker.Entries<FindingRecord>().FirstOrDefault(e => e.Entity.Id == findingId);
        if (tracked is not null)
        {
            return tracked.Property(f => f.SystemId).OriginalValue;
        }

        var query = context.Findings.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(f => f.Id == findingId).Select(f => f.SystemId);
        return async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
    }

    private bool InstitutionRowAllowed(EntityEntry entry, Institution institution)
    {
        var originalRegion = (string)entry.Property(nameof(Institution.Region)).OriginalValue!;
        return entry.State switch
        {
            // A hospital may edit itself but neither create nor delete institutions.
            EntityState.Added => _scope.Kind == TenantKind.Regulator && _scope.CoversInstitution(institution.Id, institution.Region),
            EntityState.Deleted => _scope.Kind == TenantKind.Regulator && _scope.CoversInstitution(institution.Id, originalRegion),
            _ => _scope.CoversInstitution(institution.Id, originalRegion) && _scope.CoversInstitution(institution.Id, institution.Region)
                && (_scope.Kind != TenantKind.Institution || !RegulatorOwnedInstitutionFields.Any(name => entry.Property(name).IsModified)),
        };
    }

    /// <summary>A user may change its own password, second factor and display name — never its role or its tenant.</summary>
    private bool OwnAccountChange(EntityEntry entry) =>
        entry.State == EntityState.Modified
        && _scope.UserId != Guid.Empty
        && ((PlatformUser)entry.Entity).Id == _scope.UserId
        && !LockedAccountFields.Any(name => entry.Property(name).IsModified);

    /// <summary>The owner key before the change (modified, deleted) and after it (added, modified) must both be writable.</summary>
    private static async Task<bool> BothAsync(EntityEntry entry, string ownerKey, Func<Guid, bool, CancellationToken, Task<bool>> writable, bool async, CancellationToken ct)
    {
        var property = entry.Property(ownerKey);
        if (entry.State is EntityState.Modified or EntityState.Deleted && !await writable((Guid)property.OriginalValue!, async, ct))
        {
            return false;
        }

        return entry.State == EntityState.Deleted || await writable((Guid)property.CurrentValue!, async, ct);
    }

    private bool CampaignOwnedBefore(EntityEntry entry) =>
        entry.State == EntityState.Added
        || CampaignOwned((string?)entry.Property(nameof(Campaign.OwnerRegion)).OriginalValue, (Guid?)entry.Property(nameof(Campaign.OwnerInstitutionId)).OriginalValue);

    private bool CampaignOwnedAfter(EntityEntry entry) =>
        entry.State == EntityState.Deleted
        || CampaignOwned((string?)entry.Property(nameof(Campaign.OwnerRegion)).CurrentValue, (Guid?)entry.Property(nameof(Campaign.OwnerInstitutionId)).CurrentValue);

    /// <summary>The same rule as the campaign's query filter: a regulator owns its region's campaigns, a hospital its own.</summary>
    private bool CampaignOwned(string? region, Guid? institutionId) => _scope.Kind switch
    {
        TenantKind.System => true,
        TenantKind.Regulator => region is not null && region.StartsWith(_scope.Region, StringComparison.Ordinal),
        TenantKind.Institution => institutionId == _scope.InstitutionId,
        _ => false,
    };

    private async Task<bool> CampaignWritableAsync(Guid campaignId, bool async, CancellationToken ct)
    {
        var tracked = context.ChangeTracker.Entries<Campaign>().FirstOrDefault(e => e.Entity.Id == campaignId);
        if (tracked is not null)
        {
            return tracked.State != EntityState.Deleted && CampaignOwned(tracked.Entity.OwnerRegion, tracked.Entity.OwnerInstitutionId);
        }

        var query = context.Campaigns.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).AsNoTracking()
            .Where(c => c.Id == campaignId).Select(c => new { c.OwnerRegion, c.OwnerInstitutionId });
        var owner = async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
        return owner is not null && CampaignOwned(owner.OwnerRegion, owner.OwnerInstitutionId);
    }

    private async Task<bool> StopWritableAsync(EntityEntry entry, bool async, CancellationToken ct)
    {
        var property = entry.Property(nameof(DetectionStop.InstitutionId));
        if (entry.State is EntityState.Modified or EntityState.Deleted
            && ((Guid?)property.OriginalValue is not { } before || !await InstitutionWritableAsync(before, async, ct)))
        {
            return false;
        }

        return entry.State == EntityState.Deleted || ((Guid?)property.CurrentValue is { } after && await InstitutionWritableAsync(after, async, ct));
    }

    private async Task<bool> InstitutionWritableAsync(Guid institutionId, bool async, CancellationToken ct) =>
        await InstitutionRegionAsync(institutionId, async, ct) is { } region && _scope.CoversInstitution(institutionId, region);

    private async Task<bool> SystemWritableAsync(Guid systemId, bool async, CancellationToken ct)
    {
        if (_scope.Kind == TenantKind.Agency)
        {
            return await AssignedToAgencyAsync(systemId, async, ct);
        }

        return await SystemInstitutionAsync(systemId, async, ct) is { } institutionId && await InstitutionWritableAsync(institutionId, async, ct);
    }

    /// <summary>An item result follows its assessment: a hospital writes only into its 自查, an agency only into its own 等级测评.</summary>
    private async Task<bool> AssessmentWritableAsync(Guid assessmentId, bool async, CancellationToken ct) =>
        await AssessmentOwnerAsync(assessmentId, async, ct) is { } owner
        && KindWritable(owner.Kind, owner.AgencyId)
        && await SystemWritableAsync(owner.SystemId, async, ct);

    /// <summary>
    /// Who may write an assessment of this kind: the hospital its 自查; the agency its own 等级测评; a regulator reads
    /// both and writes neither (a 测评 it could edit would prove nothing to it).
    /// </summary>
    private bool KindWritable(AssessmentKind kind, Guid? agencyId) => _scope.Kind switch
    {
        TenantKind.System => true,
        TenantKind.Institution => kind == AssessmentKind.SelfInspection,
        TenantKind.Agency => kind == AssessmentKind.LevelAssessment && agencyId == _scope.AgencyId,
        _ => false,
    };

    private bool AssessmentKindAllowed(EntityEntry entry)
    {
        var kind = entry.Property(nameof(AssessmentRecord.Kind));
        var agencyId = entry.Property(nameof(AssessmentRecord.AgencyId));
        if (entry.State is EntityState.Modified or EntityState.Deleted && !KindWritable((AssessmentKind)kind.OriginalValue!, (Guid?)agencyId.OriginalValue))
        {
            return false;
        }

        return entry.State == EntityState.Deleted || KindWritable((AssessmentKind)kind.CurrentValue!, (Guid?)agencyId.CurrentValue);
    }

    private bool RectificationChangeAllowed(EntityEntry entry)
    {
        if (_scope.Kind != TenantKind.Institution || entry.State == EntityState.Deleted)
        {
            return true;
        }

        var status = entry.Property(nameof(RectificationItem.Status));
        var verifies = (RectificationStatus)status.CurrentValue! == RectificationStatus.Verified
            && (entry.State == EntityState.Added || status.IsModified);
        // A new task of the hospital's own (e.g. from its 自查) gets its first deadline; after that it moves by request only.
        var dueOnMoved = entry.State == EntityState.Modified && entry.Property(nameof(RectificationItem.DueOn)).IsModified;
        return !verifies && !dueOnMoved && !SetsAny(entry, HospitalLockedRetestFields);
    }

    /// <summary>
    /// The hospital asks (a new, undecided request); the regulator of the region, or the agency whose assessment found
    /// the shortfall, decides. The request must name the task's own system (the filters rely on that copy).
    /// </summary>
    private async Task<bool> ExtensionChangeAllowedAsync(EntityEntry entry, bool async, CancellationToken ct)
    {
        var request = (DeadlineExtensionRequest)entry.Entity;
        if (entry.State != EntityState.Deleted
            && (await RectificationAsync(request.RectificationId, async, ct) is not { } task || task.SystemId != request.SystemId))
        {
            return false;
        }

        return _scope.Kind switch
        {
            TenantKind.Institution => entry.State == EntityState.Added
                ? request.Status == ExtensionStatus.Pending && request.DecidedBy is null && request.DecidedAt is null && request.DecisionNote is null
                : entry.State == EntityState.Modified && !ExtensionDecisionFields.Any(name => entry.Property(name).IsModified),
            TenantKind.Regulator => entry.State == EntityState.Modified,
            TenantKind.Agency => entry.State == EntityState.Modified
                && await RectificationAsync(request.RectificationId, async, ct) is { AssessmentId: { } assessmentId }
                && await AssessmentOwnerAsync(assessmentId, async, ct) is { } owner && owner.AgencyId == _scope.AgencyId,
            _ => true,
        };
    }

    /// <summary>Whether the change sets (adds, or modifies to a non-empty value) any of the fields: clearing is allowed.</summary>
    private static bool SetsAny(EntityEntry entry, IEnumerable<string> fields) =>
        entry.State is EntityState.Added or EntityState.Modified
        && fields.Any(name =>
        {
            var property = entry.Property(name);
            return (entry.State == EntityState.Added || property.IsModified) && property.CurrentValue is not (null or false);
        });

    private async Task<string?> InstitutionRegionAsync(Guid institutionId, bool async, CancellationToken ct)
    {
        if (_trackedInstitutions.TryGetValue(institutionId, out var tracked))
        {
            return tracked.State == EntityState.Deleted ? null : tracked.Entity.Region;
        }

        if (!_institutionRegions.TryGetValue(institutionId, out var region))
        {
            var query = context.Institutions.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(i => i.Id == institutionId).Select(i => i.Region);
            region = async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
            _institutionRegions[institutionId] = region;
        }

        return region;
    }

    private async Task<Guid?> SystemInstitutionAsync(Guid systemId, bool async, CancellationToken ct)
    {
        if (_trackedSystems.TryGetValue(systemId, out var tracked))
        {
            return tracked.Entity.InstitutionId;
        }

        if (!_systemInstitutions.TryGetValue(systemId, out var institutionId))
        {
            var query = context.Systems.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(s => s.Id == systemId).Select(s => (Guid?)s.InstitutionId);
            institutionId = async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
            _systemInstitutions[systemId] = institutionId;
        }

        return institutionId;
    }

    private async Task<AssessmentOwner?> AssessmentOwnerAsync(Guid assessmentId, bool async, CancellationToken ct)
    {
        if (_trackedAssessments.TryGetValue(assessmentId, out var tracked))
        {
            // The stored kind and agency, not the edited ones: the assessment's own row is checked by its own rule.
            return tracked.State == EntityState.Added
                ? new AssessmentOwner(tracked.Entity.SystemId, tracked.Entity.Kind, tracked.Entity.AgencyId)
                : new AssessmentOwner(tracked.Entity.SystemId, tracked.Property(a => a.Kind).OriginalValue, tracked.Property(a => a.AgencyId).OriginalValue);
        }

        if (!_assessmentOwners.TryGetValue(assessmentId, out var owner))
        {
            var query = context.Assessments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(a => a.Id == assessmentId)
                .Select(a => new AssessmentOwner(a.SystemId, a.Kind, a.AgencyId));
            owner = async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
            _assessmentOwners[assessmentId] = owner;
        }

        return owner;
    }

    private async Task<(Guid SystemId, Guid? AssessmentId)?> RectificationAsync(Guid rectificationId, bool async, CancellationToken ct)
    {
        var tracked = context.ChangeTracker.Entries<RectificationItem>().FirstOrDefault(e => e.Entity.Id == rectificationId);
        if (tracked is not null)
        {
            return (tracked.Property(r => r.SystemId).OriginalValue, tracked.Property(r => r.AssessmentId).OriginalValue);
        }

        if (!_rectifications.TryGetValue(rectificationId, out var row))
        {
            var query = context.Rectifications.IgnoreQueryFilters([MedGuardDbContext.TenantFilter]).Where(r => r.Id == rectificationId)
                .Select(r => new { r.SystemId, r.AssessmentId });
            var found = async ? await query.FirstOrDefaultAsync(ct) : query.FirstOrDefault();
            row = found is null ? null : (found.SystemId, found.AssessmentId);
            _rectifications[rectificationId] = row;
        }

        return row;
    }

    private async Task<bool> AssignedToAgencyAsync(Guid systemId, bool async, CancellationToken ct)
    {
        if (!_assignedToAgency.TryGetValue(systemId, out var assigned))
        {
            // Only the database counts: an agency cannot create assignments, so a tracked one proves nothing.
            // …and only one that runs today: an ended or not yet started engagement writes nothing.
            var agencyId = _scope.AgencyId;
            var today = context.Today;
            var query = context.AgencyAssignments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(a => a.SystemId == systemId && a.AgencyId == agencyId && a.AssignedOn <= today && (a.EndsOn == null || a.EndsOn >= today));
            assigned = async ? await query.AnyAsync(ct) : query.Any();
            _assignedToAgency[systemId] = assigned;
        }

        return assigned;
    }

    private async Task KeepAssignmentCopiesAsync(bool async, CancellationToken ct)
    {
        var tracker = context.ChangeTracker;

        // An institution that moved region, or a system that moved institution, drags its assignments along.
        var movedInstitutions = _trackedInstitutions.Values
            .Where(e => e.State == EntityState.Modified && e.Property(i => i.Region).IsModified)
            .Select(e => e.Entity.Id).ToList();
        var movedSystems = _trackedSystems.Values
            .Where(e => e.State == EntityState.Modified && e.Property(s => s.InstitutionId).IsModified)
            .Select(e => e.Entity.Id).ToList();
        var stale = new List<AgencyAssignment>();
        if (movedInstitutions.Count > 0 || movedSystems.Count > 0)
        {
            // Loading them makes them tracked, so the loop below refreshes them and the save writes them.
            var query = context.AgencyAssignments.IgnoreQueryFilters([MedGuardDbContext.TenantFilter])
                .Where(a => movedInstitutions.Contains(a.InstitutionId) || movedSystems.Contains(a.SystemId));
            stale = async ? await query.ToListAsync(ct) : query.ToList();
        }

        var changed = tracker.Entries<AgencyAssignment>().Where(e => e.State is EntityState.Added or EntityState.Modified).Select(e => e.Entity);
        foreach (var assignment in changed.Concat(stale).Distinct().ToList())
        {
            if (await SystemInstitutionAsync(assignment.SystemId, async, ct) is not { } institutionId
                || await InstitutionRegionAsync(institutionId, async, ct) is not { } region)
            {
                continue; // the foreign key will refuse it
            }

            if (assignment.InstitutionId != institutionId || assignment.InstitutionRegion != region)
            {
                assignment.InstitutionId = institutionId;
                assignment.InstitutionRegion = region;
                context.Entry(assignment).DetectChanges(); // even when the caller turned automatic detection off
            }
        }
    }

    /// <summary>Keeps <see cref="PlatformUser.NormalizedUserName"/> (which carries the unique index) in step with the name.</summary>
    private void NormalizeUserNames()
    {
        foreach (var entry in context.ChangeTracker.Entries<PlatformUser>().Where(e => e.State is EntityState.Added or EntityState.Modified))
        {
            var normalized = PlatformUser.Normalize(entry.Entity.UserName);
            if (entry.Entity.NormalizedUserName != normalized)
            {
                entry.Entity.NormalizedUserName = normalized;
                entry.DetectChanges();
            }
        }
    }

    private sealed record AssessmentOwner(Guid SystemId, AssessmentKind Kind, Guid? AgencyId);

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
