using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class FindingRecordConfiguration : IEntityTypeConfiguration<FindingRecord>
{
    /// <summary>Room for the evidence's ciphertext: web request/response excerpts run to tens of kilobytes.</summary>
    public const int EvidenceMaxLength = 400_000;

    public void Configure(EntityTypeBuilder<FindingRecord> builder)
    {
        builder.ToTable("Findings");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Detector).HasMaxLength(16).IsRequired();
        builder.Property(f => f.RuleId).HasMaxLength(100).IsRequired();
        builder.Property(f => f.Title).HasMaxLength(300).IsRequired();
        builder.Property(f => f.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(f => f.TargetKind).HasMaxLength(16).IsRequired();
        builder.Property(f => f.TargetDisplay).HasMaxLength(2000).IsRequired();
        builder.Property(f => f.Host).HasMaxLength(255);
        builder.Property(f => f.Origin).HasMaxLength(300);
        builder.Property(f => f.Path).HasMaxLength(2000);
        builder.Property(f => f.Parameter).HasMaxLength(300);
        builder.Property(f => f.Package).HasMaxLength(255);
        builder.Property(f => f.Member).HasMaxLength(1000);
        builder.Property(f => f.Account).HasMaxLength(200);
        builder.Property(f => f.Endpoint).HasMaxLength(1000);
        builder.Property(f => f.Locations).HasMaxLength(100_000).IsRequired();
        builder.Property(f => f.EvidenceCiphertext).HasMaxLength(EvidenceMaxLength);
        builder.Property(f => f.EvidenceMac).HasMaxLength(64);
        builder.Property(f => f.Cwe).HasMaxLength(32);
        builder.Property(f => f.StandardRefs).HasMaxLength(2000).IsRequired();
        builder.Property(f => f.HighRiskCases).HasMaxLength(500).IsRequired();
        builder.Property(f => f.Remediation).HasMaxLength(4000);
        builder.Property(f => f.Technique).HasMaxLength(32);
        builder.Property(f => f.StatusReason).HasMaxLength(1000);
        builder.Ignore(f => f.StandardRefList);
        builder.Ignore(f => f.HighRiskCaseList);

        builder.HasOne<Institution>().WithMany().HasForeignKey(f => f.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Asset>().WithMany().HasForeignKey(f => f.AssetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<RectificationItem>().WithMany().HasForeignKey(f => f.RectificationItemId).OnDelete(DeleteBehavior.SetNull);

        // The importer's identity: one finding per institution and fingerprint.
        builder.HasIndex(f => new { f.InstitutionId, f.Fingerprint }).IsUnique();
        builder.HasIndex(f => new { f.InstitutionId, f.Detector, f.Status });
        builder.HasIndex(f => f.Status);
        builder.HasIndex(f => f.Severity);
        builder.HasIndex(f => f.AssetId);
        builder.HasIndex(f => f.SystemId);
        builder.HasIndex(f => f.DueOn);
        // The sector figures (Sector/SectorFigureService) count findings per detector and severity, kind, and port over
        // the whole country: these let the database answer from the index alone (issue 16, bench/dashboard).
        builder.HasIndex(f => new { f.Detector, f.Severity, f.Title });
        builder.HasIndex(f => new { f.Detector, f.Host, f.Port });
        // Not indexed on purpose: LastSeenAt and LastImportId change on every finding an import sees again (100,000 rows
        // in bench/findings), and an index on either would be rewritten each time; lists sort by severity first.
    }
}

internal sealed class FindingSightingConfiguration : IEntityTypeConfiguration<FindingSighting>
{
    public void Configure(EntityTypeBuilder<FindingSighting> builder)
    {
        builder.ToTable("FindingSightings");
        builder.HasKey(s => new { s.FindingId, s.ImportId });
        builder.HasOne<FindingRecord>().WithMany().HasForeignKey(s => s.FindingId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DetectionImport>().WithMany().HasForeignKey(s => s.ImportId).OnDelete(DeleteBehavior.Cascade);
        // Read by finding (the key's first column) and by import; every import writes a row per finding it saw, so no
        // index beyond those (an InstitutionId index was never read).
        builder.HasIndex(s => s.ImportId);
    }
}

internal sealed class FindingStatusChangeConfiguration : IEntityTypeConfiguration<FindingStatusChange>
{
    public void Configure(EntityTypeBuilder<FindingStatusChange> builder)
    {
        builder.ToTable("FindingStatusChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.From).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.ByName).HasMaxLength(100).IsRequired();
        builder.Property(c => c.Reason).HasMaxLength(1000);
        builder.HasOne<FindingRecord>().WithMany().HasForeignKey(c => c.FindingId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.FindingId, c.At });
        builder.HasIndex(c => c.InstitutionId);
        builder.HasIndex(c => c.ImportId);
    }
}

internal sealed class DetectionImportConfiguration : IEntityTypeConfiguration<DetectionImport>
{
    public void Configure(EntityTypeBuilder<DetectionImport> builder)
    {
        builder.ToTable("DetectionImports");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.RunDigest).HasMaxLength(64).IsRequired();
        builder.Property(i => i.Detector).HasMaxLength(16).IsRequired();
        builder.Property(i => i.DetectorVersion).HasMaxLength(32).IsRequired();
        builder.Property(i => i.ImportedBy).HasMaxLength(100).IsRequired();
        builder.Property(i => i.Scope).HasMaxLength(4000).IsRequired();
        builder.Property(i => i.CoverageJson).HasMaxLength(1_000_000).IsRequired();
        builder.HasOne<Institution>().WithMany().HasForeignKey(i => i.InstitutionId).OnDelete(DeleteBehavior.Cascade);

        // Imports of an institution and detector are numbered: of two at once one wins, the other retries or is refused.
        builder.HasIndex(i => new { i.InstitutionId, i.Detector, i.Sequence }).IsUnique();
        builder.HasIndex(i => new { i.InstitutionId, i.RunDigest });
        builder.HasIndex(i => i.ImportedAt);
        // Units tested per period (sector figures).
        builder.HasIndex(i => new { i.Detector, i.StartedAt, i.InstitutionId });
        // A campaign task imports at most once, whatever the job engine re-delivers (NULLs — hand imports — do not clash).
        builder.HasIndex(i => i.CampaignTaskId).IsUnique();
    }
}

internal sealed class AssessmentFindingProposalConfiguration : IEntityTypeConfiguration<AssessmentFindingProposal>
{
    public void Configure(EntityTypeBuilder<AssessmentFindingProposal> builder)
    {
        builder.ToTable("AssessmentFindingProposals");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.ItemCode).HasMaxLength(64).IsRequired();
        builder.Property(p => p.HighRiskCases).HasMaxLength(500).IsRequired();
        builder.Property(p => p.DecidedBy).HasMaxLength(100);
        builder.Property(p => p.Note).HasMaxLength(1000);
        builder.HasOne<AssessmentRecord>().WithMany().HasForeignKey(p => p.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<FindingRecord>().WithMany().HasForeignKey(p => p.FindingId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.AssessmentId, p.FindingId, p.ItemCode }).IsUnique();
    }
}
