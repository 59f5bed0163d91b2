using MedGuard.Domain.Assessment;
using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Domain.Reports;
using MedGuard.Domain.Systems;
using MedGuard.Storage.Configurations;
using MedGuard.Storage.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage;

/// <summary>
/// The MedGuard database. The model lives here once; <see cref="SqliteMedGuardDbContext"/> and
/// <see cref="PostgresMedGuardDbContext"/> only exist so that each provider has its own migration set (migrations
/// are provider-specific SQL, and EF ties a migration to a context type through its [DbContext] attribute).
/// Create contexts through <see cref="Providers.MedGuardContextFactory"/>.
/// </summary>
public abstract partial class MedGuardDbContext : DbContext
{
    protected MedGuardDbContext(DbContextOptions options, TenantScope scope)
        : base(options)
    {
        Scope = scope;
    }

    /// <summary>Whose data this context sees and may change; fixed for the context's lifetime.</summary>
    public TenantScope Scope { get; }

    // The query filters read these per query (EF turns member accesses on the context into parameters), so one
    // compiled model serves every tenant.
    internal TenantKind ScopeKind => Scope.Kind;

    internal string ScopeRegion => Scope.Region;

    internal Guid ScopeInstitutionId => Scope.InstitutionId;

    internal Guid ScopeAgencyId => Scope.AgencyId;

    internal Guid ScopeUserId => Scope.UserId;

    /// <summary>
    /// The day the context works on: an agency's assignment counts only while it runs on this day (DOMAIN.md §4, 委托测评),
    /// and statistics ignore assessments dated after it. Set when the context is created (the server passes its clock's
    /// date); defaults to the local date.
    /// </summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.Now);

    internal DateOnly ScopeToday => Today;

    public DbSet<Institution> Institutions => Set<Institution>();

    public DbSet<InstitutionContact> InstitutionContacts => Set<InstitutionContact>();

    public DbSet<ProtectedSystem> Systems => Set<ProtectedSystem>();

    public DbSet<GradingRecord> Gradings => Set<GradingRecord>();

    public DbSet<FilingRecord> Filings => Set<FilingRecord>();

    public DbSet<AssessmentRecord> Assessments => Set<AssessmentRecord>();

    public DbSet<ItemResult> ItemResults => Set<ItemResult>();

    public DbSet<RectificationItem> Rectifications => Set<RectificationItem>();

    public DbSet<AssessmentAgency> Agencies => Set<AssessmentAgency>();

    public DbSet<AgencyAssignment> AgencyAssignments => Set<AgencyAssignment>();

    public DbSet<DeadlineExtensionRequest> ExtensionRequests => Set<DeadlineExtensionRequest>();

    public DbSet<PlatformUser> Users => Set<PlatformUser>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();

    public DbSet<Asset> Assets => Set<Asset>();

    public DbSet<AssetAuthorization> AssetAuthorizations => Set<AssetAuthorization>();

    /// <summary>候选资产 (issue 18 §5): servers an institution's apps talk to, never scanned until accepted and authorized.</summary>
    public DbSet<AssetCandidate> AssetCandidates => Set<AssetCandidate>();

    public DbSet<FindingRecord> Findings => Set<FindingRecord>();

    public DbSet<FindingSighting> FindingSightings => Set<FindingSighting>();

    public DbSet<FindingStatusChange> FindingStatusChanges => Set<FindingStatusChange>();

    public DbSet<DetectionImport> DetectionImports => Set<DetectionImport>();

    public DbSet<AssessmentFindingProposal> FindingProposals => Set<AssessmentFindingProposal>();

    public DbSet<Campaign> Campaigns => Set<Campaign>();

    public DbSet<CampaignRound> CampaignRounds => Set<CampaignRound>();

    public DbSet<CampaignTask> CampaignTasks => Set<CampaignTask>();

    public DbSet<DetectionStop> DetectionStops => Set<DetectionStop>();

    /// <summary>Generated documents (issue 17): who, when, what, hash, and the file.</summary>
    public DbSet<GeneratedReport> GeneratedReports => Set<GeneratedReport>();

    /// <summary>行业态势预汇总 per province, tier and period (issue 16, <see cref="Sector.SectorTallies"/>).</summary>
    public DbSet<Sector.SectorTally> SectorTallies => Set<Sector.SectorTally>();

    /// <summary>行业态势预汇总 per institution and place, for the dashboard's ranked lists.</summary>
    public DbSet<Sector.SectorPlaceTally> SectorPlaceTallies => Set<Sector.SectorPlaceTally>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        new TenantWriteGuard(this).Check();
        TextLengthGuard.Check(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        await new TenantWriteGuard(this).CheckAsync(cancellationToken);
        TextLengthGuard.Check(this);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as their names: readable in both databases and immune to renumbering.
        configurationBuilder.Properties<HospitalTier>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ContactRole>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<GradingObjectType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<BusinessKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ProtectionLevel>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<ItemResultValue>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<RectificationStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<AssessmentKind>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<ExtensionStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<UserRole>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<AssetKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Severity>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<FindingStatus>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<ProposalDecision>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CampaignScheduleKind>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<CampaignStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CampaignRoundStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<CampaignTaskStatus>().HaveConversion<string>().HaveMaxLength(16);

        // Instants are UTC everywhere; SQLite hands back "unspecified" and Npgsql refuses anything but UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(MedGuardDbContext).Assembly);
        ApplyTenantFilters(modelBuilder);
    }
}
