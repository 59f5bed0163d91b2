using MedGuard.Storage.Sector;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedGuard.Storage.Configurations;

internal sealed class SectorTallyConfiguration : IEntityTypeConfiguration<SectorTally>
{
    public void Configure(EntityTypeBuilder<SectorTally> builder)
    {
        builder.ToTable("SectorTallies");
        // The key is every dimension: the refresh adds a delta to a row with ON CONFLICT on it.
        builder.HasKey(t => new { t.Period, t.Region, t.Tier, t.Measure, t.Detector, t.Severity, t.Title, t.Port });
        builder.Property(t => t.Period).HasMaxLength(4);
        builder.Property(t => t.Region).HasMaxLength(2);
        builder.Property(t => t.Measure).HasMaxLength(24);
        builder.Property(t => t.Detector).HasMaxLength(16);
        builder.Property(t => t.Title).HasMaxLength(300);
    }
}

internal sealed class SectorPlaceTallyConfiguration : IEntityTypeConfiguration<SectorPlaceTally>
{
    public void Configure(EntityTypeBuilder<SectorPlaceTally> builder)
    {
        builder.ToTable("SectorPlaceTallies");
        builder.HasKey(t => new { t.Period, t.InstitutionId, t.Detector, t.Severity, t.Title, t.Place });
        builder.Property(t => t.Period).HasMaxLength(4);
        builder.Property(t => t.Region).HasMaxLength(12);
        builder.Property(t => t.Detector).HasMaxLength(16);
        builder.Property(t => t.Title).HasMaxLength(300);
        builder.Property(t => t.Place).HasMaxLength(300);
        builder.HasOne<MedGuard.Domain.Institutions.Institution>().WithMany().HasForeignKey(t => t.InstitutionId).OnDelete(DeleteBehavior.Cascade);
        // The ranked lists: a period's rows of a detector (and severity) by count, most first.
        builder.HasIndex(t => new { t.Period, t.Detector, t.Severity, t.Count });
        builder.HasIndex(t => new { t.Period, t.Detector, t.Place });
    }
}
