using MedGuard.Domain.Campaigns;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("Campaigns");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(200).IsRequired();
        builder.Property(c => c.OwnerRegion).HasMaxLength(12);
        builder.Property(c => c.CreatedBy).HasMaxLength(100).IsRequired();
        builder.Property(c => c.ScopeJson).HasMaxLength(1_000_000).IsRequired();
        builder.Property(c => c.Cron).HasMaxLength(100);
        builder.Property(c => c.Window).HasMaxLength(16);
        builder.Property(c => c.Ports).HasMaxLength(500).IsRequired();
        builder.Property(c => c.StatusReason).HasMaxLength(1000);
        builder.Property(c => c.CancelledBy).HasMaxLength(100);

        builder.HasOne<Institution>().WithMany().HasForeignKey(c => c.OwnerInstitutionId).OnDelete(DeleteBehavior.Cascade);

        // The scheduler's query: campaigns whose next round is due.
        builder.HasIndex(c => new { c.Status, c.NextRunAt });
        builder.HasIndex(c => c.OwnerRegion);
        builder.HasIndex(c => c.OwnerInstitutionId);
    }
}

internal sealed class CampaignRoundConfiguration : IEntityTypeConfiguration<CampaignRound>
{
    public void Configure(EntityTypeBuilder<CampaignRound> builder)
    {
        builder.ToTable("CampaignRounds");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Campaign>().WithMany().HasForeignKey(r => r.CampaignId).OnDelete(DeleteBehavior.Cascade);

        // One round per number: two schedulers firing the same round at once, one wins.
        builder.HasIndex(r => new { r.CampaignId, r.Number }).IsUnique();
        builder.HasIndex(r => r.Status);
    }
}

internal sealed class CampaignTaskConfiguration : IEntityTypeConfiguration<CampaignTask>
{
    public void Configure(EntityTypeBuilder<CampaignTask> builder)
    {
        builder.ToTable("CampaignTasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Detector).HasMaxLength(16).IsRequired();
        builder.Property(t => t.Zone).HasMaxLength(NetworkZone.MaxLength).IsRequired();
        builder.Property(t => t.Worker).HasMaxLength(200);
        builder.Property(t => t.JobId).HasMaxLength(100);
        builder.Property(t => t.Error).HasMaxLength(4000);
        builder.Ignore(t => t.IsFinished);

        builder.HasOne<Campaign>().WithMany().HasForeignKey(t => t.CampaignId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CampaignRound>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Institution>().WithMany().HasForeignKey(t => t.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Asset>().WithMany().HasForeignKey(t => t.AssetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DetectionImport>().WithMany().HasForeignKey(t => t.ImportId).OnDelete(DeleteBehavior.SetNull);

        // The pump's queries: pending/waiting tasks by campaign; running tasks by institution (one heavy at a time) and
        // by heartbeat (reclaim a dead worker's); a round's progress by status.
        builder.HasIndex(t => new { t.CampaignId, t.Status });
        builder.HasIndex(t => new { t.RoundId, t.Status });
        builder.HasIndex(t => new { t.Status, t.InstitutionId });
        builder.HasIndex(t => new { t.Status, t.HeartbeatAt });
        builder.HasIndex(t => t.AssetId);
        builder.HasIndex(t => t.ImportId);
    }
}

internal sealed class DetectionStopConfiguration : IEntityTypeConfiguration<DetectionStop>
{
    public void Configure(EntityTypeBuilder<DetectionStop> builder)
    {
        builder.ToTable("DetectionStops");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.SetBy).HasMaxLength(100).IsRequired();
        builder.Property(s => s.Reason).HasMaxLength(1000).IsRequired();
        builder.Property(s => s.ClearedBy).HasMaxLength(100);
        builder.Ignore(s => s.IsActive);

        builder.HasOne<Institution>().WithMany().HasForeignKey(s => s.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ClearedAt, s.InstitutionId });
    }
}
